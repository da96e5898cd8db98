import { resolve } from 'node:path';
import { type ForwardRules, parseForwardRules } from './domain/forwarding.ts';
import { LOG_LEVELS, type LogLevel } from './logging.ts';

/** Environment variable names, shared by infra/ (which sets them) and the runtime (which reads them). */
export const ENV = {
  tableName: 'SABA_TABLE_NAME',
  dynamoEndpoint: 'SABA_DYNAMODB_ENDPOINT',
  region: 'AWS_REGION',
  dataDir: 'SABA_DATA_DIR',
  host: 'HOST',
  port: 'PORT',
  apiKey: 'SABA_API_KEY',
  retentionDays: 'SABA_RETENTION_DAYS',
  metricStore: 'SABA_METRIC_STORE',
  metricsTableName: 'SABA_METRICS_TABLE_NAME',
  metricsArchiveTableName: 'SABA_METRICS_ARCHIVE_TABLE_NAME',
  forwardQueueUrl: 'SABA_FORWARD_QUEUE_URL',
  forwardRules: 'SABA_FORWARD_RULES',
  timestreamDatabase: 'SABA_TIMESTREAM_DATABASE',
  timestreamTable: 'SABA_TIMESTREAM_TABLE',
  compactionQueueUrl: 'SABA_COMPACTION_QUEUE_URL',
  checkerQueueUrl: 'SABA_CHECKER_QUEUE_URL',
  notificationQueueUrl: 'SABA_NOTIFICATION_QUEUE_URL',
  checkIntervalSeconds: 'SABA_CHECK_INTERVAL_SECONDS',
  integrationIntervalSeconds: 'SABA_INTEGRATION_INTERVAL_SECONDS',
  connectivityTimeoutSeconds: 'SABA_CONNECTIVITY_TIMEOUT_SECONDS',
  allowPrivateTargets: 'SABA_ALLOW_PRIVATE_TARGETS',
  senderEmail: 'SABA_SENDER_EMAIL',
  consoleUrl: 'SABA_CONSOLE_URL',
  smtpHost: 'SABA_SMTP_HOST',
  smtpPort: 'SABA_SMTP_PORT',
  smtpSecure: 'SABA_SMTP_SECURE',
  smtpUser: 'SABA_SMTP_USER',
  smtpPassword: 'SABA_SMTP_PASSWORD',
  logLevel: 'SABA_LOG_LEVEL',
} as const;

/** The data stack's output naming the entity table (the admin CLI's `--stack` reads it). */
export const ENTITY_TABLE_OUTPUT = 'EntityTableName';

export const METRIC_STORES = ['dynamodb', 'timestream'] as const;
export type MetricStoreKind = (typeof METRIC_STORES)[number];

export type MetricsConfig =
  | { kind: 'dynamodb'; tableName: string; archiveTableName?: string; retentionDays: number }
  | { kind: 'timestream'; database: string; table: string };

type Env = Record<string, string | undefined>;

export interface AwsConfig {
  /** The entity table. */
  tableName: string;
  region?: string;
  /** Only for pointing the AWS adapters at dynalite. */
  dynamoEndpoint?: string;
  /** dynalite's credentials (the local runtime's own); unset on AWS. */
  dynamoCredentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Monitoring settings, the same names locally and on AWS where they apply.
 * The connectivity timeout: the agent posts every 60 s and retries a failed post 60 s later, so one
 * lost post leaves a 120 s gap; 150 s tolerates that plus 30 s of lateness, and a checker running
 * every 60 s then sees the silence within 150–210 s of the last post, under the 4-minute target even
 * with 30 s of scheduler delay.
 */
export interface MonitoringConfig {
  checkIntervalSeconds: number;
  /** Local mode's AWS integration runs (on AWS, a 5-minute schedule). */
  integrationIntervalSeconds: number;
  connectivityTimeoutSeconds: number;
  allowPrivateTargets: boolean;
  senderEmail: string;
  consoleUrl?: string;
  smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string };
}

export const DEFAULT_CHECK_INTERVAL_SECONDS = 60;
export const DEFAULT_INTEGRATION_INTERVAL_SECONDS = 300;
export const DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS = 150;

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new Error(`Invalid ${name}: ${env[name]} (expected 1 or 0)`);
}

export function loadMonitoringConfig(env: Env = process.env): MonitoringConfig {
  const smtpHost = env[ENV.smtpHost];
  const secure = flag(env, ENV.smtpSecure);
  return {
    checkIntervalSeconds: positiveInt(env, ENV.checkIntervalSeconds, DEFAULT_CHECK_INTERVAL_SECONDS),
    integrationIntervalSeconds: positiveInt(
      env,
      ENV.integrationIntervalSeconds,
      DEFAULT_INTEGRATION_INTERVAL_SECONDS,
    ),
    connectivityTimeoutSeconds: positiveInt(
      env,
      ENV.connectivityTimeoutSeconds,
      DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS,
    ),
    allowPrivateTargets: flag(env, ENV.allowPrivateTargets),
    senderEmail: env[ENV.senderEmail] || 'saba@localhost',
    ...(env[ENV.consoleUrl] && { consoleUrl: env[ENV.consoleUrl] }),
    ...(smtpHost && {
      smtp: {
        host: smtpHost,
        port: positiveInt(env, ENV.smtpPort, secure ? 465 : 587),
        secure,
        ...(env[ENV.smtpUser] && { user: env[ENV.smtpUser] }),
        ...(env[ENV.smtpPassword] && { password: env[ENV.smtpPassword] }),
      },
    }),
  };
}

/** `SABA_LOG_LEVEL`: debug, info (default), warn or error. */
export function loadLogLevel(env: Env = process.env): LogLevel {
  const raw = env[ENV.logLevel] || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new Error(`Invalid ${ENV.logLevel}: ${raw} (expected ${LOG_LEVELS.join(', ')})`);
  return raw as LogLevel;
}

export const loadNotificationQueueUrl = (env: Env = process.env): string =>
  required(env, ENV.notificationQueueUrl);

export interface LocalConfig {
  dataDir: string;
  host: string;
  port: number;
  /** Registered as the first key instead of a random one, on first start only. */
  initialApiKey?: string;
  /** How long metric points are kept (Mackerel keeps 1-minute points for 460 days). */
  retentionDays: number;
  monitoring: MonitoringConfig;
  logLevel: LogLevel;
}

export const DEFAULT_RETENTION_DAYS = 460;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Invalid ${name}: ${raw}`);
  return n;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

/** The metric store of a function that reads or writes metrics; fails fast when incomplete. */
export function loadMetricsConfig(env: Env = process.env): MetricsConfig {
  const kind = required(env, ENV.metricStore);
  if (kind === 'timestream') {
    return {
      kind,
      database: required(env, ENV.timestreamDatabase),
      table: required(env, ENV.timestreamTable),
    };
  }
  if (kind !== 'dynamodb')
    throw new Error(`Invalid ${ENV.metricStore}: ${kind} (expected ${METRIC_STORES.join(' or ')})`);
  return {
    kind,
    tableName: required(env, ENV.metricsTableName),
    ...(env[ENV.metricsArchiveTableName] && { archiveTableName: env[ENV.metricsArchiveTableName] }),
    retentionDays: positiveInt(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS),
  };
}

export const loadCompactionQueueUrl = (env: Env = process.env): string =>
  required(env, ENV.compactionQueueUrl);

export const loadCheckerQueueUrl = (env: Env = process.env): string => required(env, ENV.checkerQueueUrl);

/** Read once at cold start; a missing variable fails the function immediately. */
export function loadAwsConfig(env: Env = process.env): AwsConfig {
  return {
    tableName: required(env, ENV.tableName),
    ...(env[ENV.region] && { region: env[ENV.region] }),
    ...(env[ENV.dynamoEndpoint] && { dynamoEndpoint: env[ENV.dynamoEndpoint] }),
  };
}

export function loadLocalConfig(env: Env = process.env): LocalConfig {
  const port = Number(env[ENV.port] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid ${ENV.port}: ${env[ENV.port]}`);
  return {
    dataDir: resolve(env[ENV.dataDir] ?? '.saba'),
    host: env[ENV.host] ?? '127.0.0.1',
    port,
    ...(env[ENV.apiKey] && { initialApiKey: env[ENV.apiKey] }),
    retentionDays: positiveInt(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS),
    monitoring: loadMonitoringConfig(env),
    logLevel: loadLogLevel(env),
  };
}

/** The entity table's name in local mode (dynalite keeps one LevelDB per data dir). */
export const LOCAL_TABLE_NAME = 'saba';

/** Mirroring to CloudWatch: both set, or neither (forwarding off: nothing on the ingest path). */
export function loadForwardConfig(
  env: Env = process.env,
): { queueUrl: string; rules: ForwardRules } | undefined {
  const queueUrl = env[ENV.forwardQueueUrl];
  const rules = env[ENV.forwardRules];
  if (!queueUrl && !rules) return undefined;
  return {
    queueUrl: required(env, ENV.forwardQueueUrl),
    rules: parseForwardRules(required(env, ENV.forwardRules)),
  };
}
