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
} as const;

type Env = Record<string, string | undefined>;

export interface AwsConfig {
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
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

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
  };
}

/** The entity table's name in local mode (dynalite keeps one LevelDB per data dir). */
export const LOCAL_TABLE_NAME = 'saba';
