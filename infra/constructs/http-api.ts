import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  type HttpMethod,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, LogGroupClass, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import type { AccessLine } from '#shared/http/fronts/access-log.ts';
import { type FunctionName, ROUTES } from '#shared/http/routes.ts';
import { lintExceptions } from './cfn-lint.ts';

export interface SabaHttpApiProps {
  functions: Record<FunctionName, IFunction>;
  /** Requests per second the stage accepts, steady and in a burst (the account's limit applies too). */
  throttle: { rateLimit: number; burstLimit: number };
  /** A custom domain: its name and the ARN of an ACM certificate for it in the same region. */
  domain?: { domainName: string; certificateArn: string };
}

/**
 * The access log line, one JSON object a request with short keys (the log is billed by the byte):
 * id request id, ip source address, m method, p path, s status, b response bytes, ms latency,
 * err integration error. No API key. (The organization is in the function's own log line: the
 * function checks the key, so API Gateway never knows it.)
 */
export const ACCESS_LOG_FIELDS = {
  id: '$context.requestId',
  ip: '$context.identity.sourceIp',
  m: '$context.httpMethod',
  p: '$context.path',
  s: '$context.status',
  b: '$context.responseLength',
  ms: '$context.responseLatency',
  err: '$context.integrationErrorMessage',
} satisfies Record<keyof AccessLine, string>;

/** cdk-nag wants an API Gateway authorizer on every route; the function checks the key instead. */
function acknowledgeKeyCheck(route: IConstruct): void {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'The function behind the route checks X-Api-Key itself (cached per key), so a missing key gets Mackerel’s 401 body, which an authorizer cannot give.',
  });
}

/**
 * The HTTP API, built from the same route table as the local server: every route, and `$default`
 * (which the api function answers with Mackerel's 404), goes to its function, which checks the
 * `X-Api-Key` itself (shared/http/key-check.ts) and answers a missing or unknown key with Mackerel's
 * 401/403 body. A Lambda authorizer cannot: with the key as its identity source (which its cache
 * needs), API Gateway answers a request without the header itself with `{"message":"Unauthorized"}`,
 * and without a cache it would cost an invocation per request.
 */
export class SabaHttpApi extends Construct {
  readonly api: HttpApi;
  readonly domain?: DomainName;

  constructor(scope: Construct, id: string, props: SabaHttpApiProps) {
    super(scope, id);
    const integrations = {
      api: new HttpLambdaIntegration('ApiIntegration', props.functions.api),
      ingest: new HttpLambdaIntegration('IngestIntegration', props.functions.ingest),
    } satisfies Record<FunctionName, HttpLambdaIntegration>;

    this.api = new HttpApi(this, 'Api', {
      description: 'saba: Mackerel API v0',
      createDefaultStage: false,
      defaultIntegration: integrations.api,
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
    // The console's page and files and embed links go to $default with the rest: the api function
    // answers them without a key.
    for (const route of ROUTES)
      for (const r of this.api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: integrations[route.fn],
      }))
        acknowledgeKeyCheck(r);
    acknowledgeKeyCheck(this.api.node.findChild('DefaultRoute'));
  }
}
