import type { App, StackProps } from 'aws-cdk-lib';
import {
  DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS,
  DEFAULT_RETENTION_DAYS,
  METRIC_STORES,
  type MetricStoreKind,
} from '#shared/config.ts';
import { SabaApiStack } from './stacks/api-stack.ts';
import { SabaDataStack } from './stacks/data-stack.ts';

export interface SabaOptions extends StackProps {
  /** `-c metricStore=timestream` opts into Timestream; DynamoDB otherwise. */
  metricStore?: MetricStoreKind;
  /** `-c retentionDays=N`: how long metric points are kept (default 460, as Mackerel). */
  retentionDays?: number;
  /** `-c senderEmail=alerts@example.com`: the SES identity alert emails come from. */
  senderEmail?: string;
  /** `-c connectivityTimeoutSeconds=N`: the silence that raises a connectivity alert (default 150). */
  connectivityTimeoutSeconds?: number;
  /** `-c alarmEmail=ops@example.com`: where saba's own alarms are sent (SNS email subscription). */
  alarmEmail?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Both stacks of a deployment; the CDK app and the infra tests build them the same way. */
export function buildSaba(app: App, options: SabaOptions = {}) {
  const metricStore =
    options.metricStore ??
    (app.node.tryGetContext('metricStore') as MetricStoreKind | undefined) ??
    'dynamodb';
  if (!METRIC_STORES.includes(metricStore))
    throw new Error(`metricStore must be one of ${METRIC_STORES.join(', ')}`);
  const retentionDays =
    options.retentionDays ?? Number(app.node.tryGetContext('retentionDays') ?? DEFAULT_RETENTION_DAYS);
  const senderEmail =
    options.senderEmail ??
    (app.node.tryGetContext('senderEmail') as string | undefined) ??
    'alerts@example.com';
  if (!EMAIL.test(senderEmail)) throw new Error(`senderEmail must be an email address, not ${senderEmail}`);
  const connectivityTimeoutSeconds =
    options.connectivityTimeoutSeconds ??
    Number(app.node.tryGetContext('connectivityTimeoutSeconds') ?? DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS);
  if (!Number.isInteger(connectivityTimeoutSeconds) || connectivityTimeoutSeconds < 1)
    throw new Error('connectivityTimeoutSeconds must be a whole number of seconds, at least 1');
  const alarmEmail = options.alarmEmail ?? (app.node.tryGetContext('alarmEmail') as string | undefined);
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail))
    throw new Error(`alarmEmail must be an email address, not ${alarmEmail}`);
  const {
    metricStore: _m,
    retentionDays: _r,
    senderEmail: _s,
    connectivityTimeoutSeconds: _c,
    alarmEmail: _a,
    ...props
  } = options;
  const data = new SabaDataStack(app, 'SabaData', { ...props, metricStore, retentionDays });
  const api = new SabaApiStack(app, 'SabaApi', {
    ...props,
    entities: data.entities,
    metrics: data.metrics,
    retentionDays,
    senderEmail,
    connectivityTimeoutSeconds,
    ...(alarmEmail && { alarmEmail }),
  });
  return { data, api };
}
