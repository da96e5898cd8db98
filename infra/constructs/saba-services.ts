import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import type { ForwardRules } from '#shared/domain/forwarding.ts';
import { AnomalyTraining } from './anomaly-training.ts';
import { Compaction } from './compaction.ts';
import { Forwarder } from './forwarder.ts';
import { SabaHttpApi } from './http-api.ts';
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
  throttle: { rateLimit: number; burstLimit: number };
  domain?: { domainName: string; certificateArn: string };
  /** Role ARNs (in other accounts) that AWS integrations may assume. */
  integrationRoleArns: string[];
}

/** Stateless: the functions, the HTTP API in front of them, monitoring, forwarding and compaction. */
export class SabaServices extends Construct {
  readonly httpApi: SabaHttpApi;
  readonly operations: Operations;
  readonly forwarder?: Forwarder;

  constructor(scope: Construct, id: string, props: SabaServicesProps) {
    super(scope, id);
    const { entities, metrics, retentionDays } = props;
    const api = new SabaFunction(this, 'ApiFunction', {
      entry: 'api',
      description:
        'Mackerel API v0: hosts, services, roles, metadata, metric reads, monitors, alerts; the console',
      withConsole: true,
    })
      .bindTable(entities, 'api')
      .bindTable(entities, 'keys')
      .bindMetrics(metrics, 'read', retentionDays);
    const ingest = new SabaFunction(this, 'IngestFunction', {
      entry: 'ingest',
      description:
        'Metric posts and check reports: the agents’ every-minute calls, monitors evaluated on arrival',
      memorySize: 512,
      timeout: Duration.seconds(10),
      // Failures only: every request is in the API's access log already, and lines are billed.
      environment: { [ENV.logLevel]: 'warn' },
    })
      .bindTable(entities, 'ingest')
      .bindTable(entities, 'keys')
      .bindMetrics(metrics, 'write', retentionDays);

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

    this.httpApi = new SabaHttpApi(this, 'Http', {
      functions: { api: api.fn, ingest: ingest.fn },
      throttle: props.throttle,
      ...(props.domain && { domain: props.domain }),
    });
    const apiBase = props.domain ? `https://${props.domain.domainName}` : this.httpApi.api.apiEndpoint;
    new CfnOutput(this, 'ApiBase', {
      value: apiBase,
      description: 'apibase for mackerel-agent.conf and mkr',
    });
    // The console is served at the same address: every notification links to it.
    monitoring.notifier.fn.addEnvironment(ENV.consoleUrl, apiBase);
    if (this.httpApi.domain)
      new CfnOutput(this, 'DomainTarget', {
        value: this.httpApi.domain.regionalDomainName,
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
        Api: api,
        Ingest: ingest,
        Checker: monitoring.checker,
        CheckerWorker: monitoring.checkerWorker,
        Notifier: monitoring.notifier,
        Integrations: integrations.fn,
        AnomalyTraining: anomalyTraining.fn,
        ...(this.forwarder && { Forwarder: this.forwarder.fn }),
      },
      throttled: { Ingest: ingest, Api: api },
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
