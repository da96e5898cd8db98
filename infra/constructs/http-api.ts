import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, type HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, ROUTES } from '#shared/http/routes.ts';

export interface SabaHttpApiProps {
  functions: Record<FunctionName, IFunction>;
  authorizer: IFunction;
  /** How long API Gateway reuses an authorizer answer per key. */
  authorizerCacheTtl?: Duration;
}

/**
 * The HTTP API, built from the same route table as the local server. Every route, and `$default`
 * (which the api function answers with Mackerel's 404), sits behind the X-Api-Key authorizer.
 */
export class SabaHttpApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: SabaHttpApiProps) {
    super(scope, id);
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', props.authorizer, {
      identitySource: ['$request.header.X-Api-Key'],
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(1),
      responseTypes: [HttpLambdaResponseType.SIMPLE],
    });
    const integrations = {
      api: new HttpLambdaIntegration('ApiIntegration', props.functions.api),
      ingest: new HttpLambdaIntegration('IngestIntegration', props.functions.ingest),
    } satisfies Record<FunctionName, HttpLambdaIntegration>;

    this.api = new HttpApi(this, 'Api', {
      description: 'saba: Mackerel API v0',
      createDefaultStage: false,
      defaultIntegration: integrations.api,
      defaultAuthorizer: authorizer,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 5000, burstLimit: 2000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH }),
        ),
        // One JSON object a request, so CloudWatch Logs Insights can query every field (no API key in it).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            org: '$context.authorizer.orgId',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: integrations[route.fn],
      });
    }
  }
}
