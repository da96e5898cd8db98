import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, LogGroupClass, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, ROUTES } from '#shared/http/routes.ts';
import { lintExceptions } from './cfn-lint.ts';

export interface SabaHttpApiProps {
  functions: Record<FunctionName, IFunction>;
  authorizer: IFunction;
  /** How long API Gateway reuses an authorizer answer per key. */
  authorizerCacheTtl?: Duration;
  /** Requests per second the stage accepts, steady and in a burst (the account's limit applies too). */
  throttle: { rateLimit: number; burstLimit: number };
  /** A custom domain: its name and the ARN of an ACM certificate for it in the same region. */
  domain?: { domainName: string; certificateArn: string };
}

/**
 * The access log line, one JSON object a request with short keys (the log is billed by the byte):
 * id request id, ip source address, m method, p path, s status, b response bytes, ms latency,
 * org organization, err integration error. No API key.
 */
export const ACCESS_LOG_FIELDS = {
  id: '$context.requestId',
  ip: '$context.identity.sourceIp',
  m: '$context.httpMethod',
  p: '$context.path',
  s: '$context.status',
  b: '$context.responseLength',
  ms: '$context.responseLatency',
  org: '$context.authorizer.orgId',
  err: '$context.integrationErrorMessage',
};

/**
 * The HTTP API, built from the same route table as the local server. Every route, and `$default`
 * (which the api function answers with Mackerel's 404), sits behind the X-Api-Key authorizer.
 */
export class SabaHttpApi extends Construct {
  readonly api: HttpApi;
  readonly domain?: DomainName;

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
    if (props.domain) {
      this.domain = new DomainName(this, 'Domain', {
        domainName: props.domain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      });
    }
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      ...(this.domain && { domainMapping: { domainName: this.domain } }),
      accessLogSettings: {
        // Infrequent Access: half the ingestion price; Logs Insights still queries every field.
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', {
            retention: RetentionDays.ONE_MONTH,
            logGroupClass: LogGroupClass.INFREQUENT_ACCESS,
          }),
        ),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    for (const mapping of stage.node.children.filter((c) => c instanceof ApiMapping))
      lintExceptions(mapping, {
        W3005: 'CDK adds DependsOn on the domain it also references; the duplicate dependency is harmless.',
      });
    // Public: the console's page and files (the page asks for a key and keeps it in the tab), and
    // embed links (signed, expiring, revocable: checked by the api function).
    for (const path of ['/', '/console/{file}', '/embed/{token}'])
      for (const r of this.api.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration: integrations.api,
        authorizer: new HttpNoneAuthorizer(),
      }))
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The console’s static page and files hold no data; every API call it makes carries the key.',
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
