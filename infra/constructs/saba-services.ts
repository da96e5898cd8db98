import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroupClass } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import type { ForwardRules } from '#shared/domain/forwarding.ts';
import { AnomalyTraining } from './anomaly-training.ts';
import { Compaction } from './compaction.ts';
import { Forwarder } from './forwarder.ts';
import { SabaHttpApi } from './http-api.ts';
import { FunctionUrlIngress, type Ingress, LoadBalancerIngress } from './ingress.ts';
import { Integrations } from './integrations.ts';
import type { MetricStorage } from './metric-storage.ts';
import { Monitoring } from './monitoring.ts';
import { Operations } from './operations.ts';
import { SabaFunction } from './saba-function.ts';

export interface SabaServicesProps {
  entities: ITableV2;
  metrics: MetricStorage;
  retentionDays: number;
  /** The SES identity alert emails come from. */
  senderEmail: string;
  connectivityTimeoutSeconds: number;
  /** Subscribed to the alarm topic. */
  alarmEmail?: string;
  /** Mirroring to CloudWatch; off when unset. */
  forwardToCloudWatch?: ForwardRules;
  /** The front door: the HTTP API, a function URL or a load balancer. */
  ingress: Ingress;
  /** The HTTP API's stage throttle. */
  throttle: { rateLimit: number; burstLimit: number };
  /** The HTTP function's reserved concurrency, behind a function URL or a load balancer. */
  reservedConcurrency: number;
  domain?: { domainName: string; certificateArn: string };
  /** Role ARNs (in other accounts) that AWS integrations may assume. */
  integrationRoleArns: string[];
}

/** Stateless: the functions, the front door to them, monitoring, forwarding and compaction. */
export class SabaServices extends Construct {
  /** The HTTP API (the default ingress). */
  readonly httpApi?: SabaHttpApi;
  /** The function URL or the load balancer (the other ingresses). */
  readonly ingress?: FunctionUrlIngress | LoadBalancerIngress;
  readonly operations: Operations;
  readonly forwarder?: Forwarder;

  constructor(scope: Construct, id: string, props: SabaServicesProps) {
    super(scope, id);
    const { entities, metrics, retentionDays } = props;
    const { api, ingest } = httpFunctions(this, props);
    const monitoring = new Monitoring(this, 'Monitoring', {
      entities,
      metrics,
      retentionDays,
      senderEmail: props.senderEmail,
      connectivityTimeoutSeconds: props.connectivityTimeoutSeconds,
      producers: [ingest],
    });

    const integrations = new Integrations(this, 'Integrations', {
      entities,
      metrics,
      retentionDays,
      assumableRoles: props.integrationRoleArns,
      checker: monitoring.checker,
    });

    const anomalyTraining = new AnomalyTraining(this, 'AnomalyTraining', {
      entities,
      metrics,
      retentionDays,
    });

    if (props.forwardToCloudWatch)
      this.forwarder = new Forwarder(this, 'Forwarder', { rules: props.forwardToCloudWatch, ingest });

    const front = buildFront(this, props, api, ingest);
    this.httpApi = front.httpApi;
    this.ingress = front.ingress;
    new CfnOutput(this, 'ApiBase', {
      value: front.apiBase,
      description: 'apibase for mackerel-agent.conf and mkr',
    });
    // The console is served at the same address: every notification links to it.
    monitoring.notifier.fn.addEnvironment(ENV.consoleUrl, front.apiBase);
    if (front.domainTarget)
      new CfnOutput(this, 'DomainTarget', {
        value: front.domainTarget,
        description: `Point ${props.domain?.domainName} here (CNAME, or a Route 53 alias)`,
      });

    const compaction = metrics.table
      ? new Compaction(this, 'Compaction', {
          metrics: metrics.table,
          dispatch: new SabaFunction(this, 'CompactionDispatch', {
            entry: 'compaction-dispatch',
            description: 'Queues one compaction job per organization and pulse shard',
          }).bindTable(entities, 'listOrgs'),
          worker: new SabaFunction(this, 'CompactionWorker', {
            entry: 'compaction-worker',
            description: 'Packs finished days of metric points into day items',
            memorySize: 1024,
            timeout: Duration.minutes(15),
          })
            .bindEnvironment(entities)
            .bindMetrics(metrics, 'compact', retentionDays),
        })
      : undefined;

    this.operations = new Operations(this, 'Operations', {
      watched: {
        ...(api ? { Api: api, Ingest: ingest } : { Http: ingest }),
        Checker: monitoring.checker,
        CheckerWorker: monitoring.checkerWorker,
        Notifier: monitoring.notifier,
        Integrations: integrations.fn,
        AnomalyTraining: anomalyTraining.fn,
        ...(this.forwarder && { Forwarder: this.forwarder.fn }),
      },
      throttled: api ? { Ingest: ingest, Api: api } : { Http: ingest },
      deadLetterQueues: {
        Notifications: monitoring.deadLetters,
        CheckerJobs: monitoring.checkerDeadLetters,
        ...(compaction && { Compaction: compaction.deadLetters }),
        ...(this.forwarder && { Forwarding: this.forwarder.deadLetters }),
      },
      checker: monitoring.checker,
      ...(props.alarmEmail && { alarmEmail: props.alarmEmail }),
    });
  }
}

/** The chosen front door to the HTTP functions, the apibase agents and mkr use, and where DNS points. */
function buildFront(
  scope: Construct,
  props: SabaServicesProps,
  api: SabaFunction | undefined,
  ingest: SabaFunction,
): {
  apiBase: string;
  domainTarget?: string;
  httpApi?: SabaHttpApi;
  ingress?: FunctionUrlIngress | LoadBalancerIngress;
} {
  if (api) {
    const httpApi = new SabaHttpApi(scope, 'Http', {
      functions: { api: api.fn, ingest: ingest.fn },
      throttle: props.throttle,
      ...(props.domain && { domain: props.domain }),
    });
    return {
      httpApi,
      apiBase: props.domain ? `https://${props.domain.domainName}` : httpApi.api.apiEndpoint,
      ...(httpApi.domain && { domainTarget: httpApi.domain.regionalDomainName }),
    };
  }
  if (props.ingress === 'function-url') {
    const ingress = new FunctionUrlIngress(scope, 'FunctionUrl', { fn: ingest.fn });
    return { ingress, apiBase: ingress.apiBase };
  }
  if (!props.domain) throw new Error('the load balancer ingress needs a domain');
  const ingress = new LoadBalancerIngress(scope, 'LoadBalancer', {
    fn: ingest.fn,
    certificateArn: props.domain.certificateArn,
  });
  return {
    ingress,
    apiBase: `https://${props.domain.domainName}`,
    domainTarget: ingress.loadBalancer.loadBalancerDnsName,
  };
}

/**
 * The functions that answer HTTP. Behind the HTTP API: the api function and the ingest function (the
 * hot path, lean and quiet), each with its own routes. Behind a function URL or a load balancer,
 * which reach one function: the HTTP function, both handlers in one, with both grants, its reserved
 * concurrency as the throttle and its access lines in an Infrequent Access log group. `ingest` is
 * whichever function takes the posts (monitoring and forwarding attach to it).
 */
function httpFunctions(
  scope: Construct,
  props: SabaServicesProps,
): { api?: SabaFunction; ingest: SabaFunction } {
  const { entities, metrics, retentionDays } = props;
  // Failures only: every request is in the access log already, and lines are billed.
  const quiet = { [ENV.logLevel]: 'warn' };
  if (props.ingress !== 'http-api')
    return {
      ingest: new SabaFunction(scope, 'HttpFunction', {
        entry: 'http',
        description: 'Mackerel API v0, every route: metric posts and check reports, reads, the console',
        withConsole: true,
        reservedConcurrency: props.reservedConcurrency,
        logGroupClass: LogGroupClass.INFREQUENT_ACCESS,
        activeTracing: false,
        environment: quiet,
      })
        .bindTable(entities, 'api')
        .bindTable(entities, 'ingest')
        .bindTable(entities, 'keys')
        .bindMetrics(metrics, 'read', retentionDays)
        .bindMetrics(metrics, 'write', retentionDays),
    };
  const api = new SabaFunction(scope, 'ApiFunction', {
    entry: 'api',
    description:
      'Mackerel API v0: hosts, services, roles, metadata, metric reads, monitors, alerts; the console',
    withConsole: true,
  })
    .bindTable(entities, 'api')
    .bindTable(entities, 'keys')
    .bindMetrics(metrics, 'read', retentionDays);
  const ingest = new SabaFunction(scope, 'IngestFunction', {
    entry: 'ingest',
    description:
      'Metric posts and check reports: the agents’ every-minute calls, monitors evaluated on arrival',
    memorySize: 512,
    timeout: Duration.seconds(10),
    activeTracing: false,
    environment: quiet,
  })
    .bindTable(entities, 'ingest')
    .bindTable(entities, 'keys')
    .bindMetrics(metrics, 'write', retentionDays);
  return { api, ingest };
}
