import { resolve } from 'node:path';

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
  timestreamDatabase: 'SABA_TIMESTREAM_DATABASE',
  timestreamTable: 'SABA_TIMESTREAM_TABLE',
  compactionQueueUrl: 'SABA_COMPACTION_QUEUE_URL',
} as const;

export const METRIC_STORES = ['dynamodb', 'timestream'] as const;
export type MetricStoreKind = (typeof METRIC_STORES)[number];

export type MetricsConfig =
  | { kind: 'dynamodb'; tableName: string; retentionDays: number }
  | { kind: 'timestream'; database: string; table: string };

type Env = Record<string, string | undefined>;

export interface AwsConfig {
  /** The entity table. */
  tableName: string;
  region?: string;
  /** Only for pointing the AWS adapters at dynalite. */
  dynamoEndpoint?: string;
}

export interface LocalConfig {
  dataDir: string;
  host: string;
  port: number;
  /** Registered as the first key instead of a random one, on first start only. */
  initialApiKey?: string;
  /** How long metric points are kept (Mackerel keeps 1-minute points for 460 days). */
  retentionDays: number;
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
    retentionDays: positiveInt(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS),
  };
}

export const loadCompactionQueueUrl = (env: Env = process.env): string =>
  required(env, ENV.compactionQueueUrl);

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
  };
}

/** The entity table's name in local mode (dynalite keeps one LevelDB per data dir). */
export const LOCAL_TABLE_NAME = 'saba';
