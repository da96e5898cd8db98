import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { Compaction } from '../constructs/compaction.ts';
import { SabaHttpApi } from '../constructs/http-api.ts';
import type { MetricStorage } from '../constructs/metric-storage.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import { Operations } from '../constructs/operations.ts';
import { SabaFunction } from '../constructs/saba-function.ts';

export interface SabaApiStackProps extends StackProps {
  entities: ITableV2;
  metrics: MetricStorage;
  retentionDays: number;
  /** The SES identity alert emails come from. */
  senderEmail: string;
  connectivityTimeoutSeconds: number;
  /** Subscribed to the alarm topic. */
  alarmEmail?: string;
}

/** Stateless: the functions, the HTTP API in front of them, monitoring, and the compaction job. */
export class SabaApiStack extends Stack {
  readonly httpApi: SabaHttpApi;

  constructor(scope: Construct, id: string, props: SabaApiStackProps) {
    super(scope, id, props);
    const { entities, metrics, retentionDays } = props;
    const authorizer = new SabaFunction(this, 'Authorizer', {
      entry: 'authorizer',
      description: 'X-Api-Key to organization and permission',
      memorySize: 256,
    }).bindTable(entities, 'authorize');
    const api = new SabaFunction(this, 'ApiFunction', {
      entry: 'api',
      description: 'Mackerel API v0: hosts, services, roles, metadata, metric reads, monitors, alerts',
    })
      .bindTable(entities, 'api')
      .bindMetrics(metrics, 'read', retentionDays);
    const ingest = new SabaFunction(this, 'IngestFunction', {
      entry: 'ingest',
      description:
        'Metric posts and check reports: the agents’ every-minute calls, monitors evaluated on arrival',
      memorySize: 512,
      timeout: Duration.seconds(10),
    })
      .bindTable(entities, 'ingest')
      .bindMetrics(metrics, 'write', retentionDays);

    const monitoring = new Monitoring(this, 'Monitoring', {
      entities,
      metrics,
      retentionDays,
      senderEmail: props.senderEmail,
      connectivityTimeoutSeconds: props.connectivityTimeoutSeconds,
      producers: [api, ingest],
    });

    this.httpApi = new SabaHttpApi(this, 'Http', {
      functions: { api: api.fn, ingest: ingest.fn },
      authorizer: authorizer.fn,
    });
    new CfnOutput(this, 'ApiBase', {
      value: this.httpApi.api.apiEndpoint,
      description: 'apibase for mackerel-agent.conf and mkr',
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

    new Operations(this, 'Operations', {
      watched: { Api: api, Ingest: ingest, Checker: monitoring.checker, Notifier: monitoring.notifier },
      throttled: { Ingest: ingest, Api: api },
      deadLetterQueues: {
        Notifications: monitoring.deadLetters,
        ...(compaction && { Compaction: compaction.deadLetters }),
      },
      checker: monitoring.checker,
      ...(props.alarmEmail && { alarmEmail: props.alarmEmail }),
    });
  }
}
