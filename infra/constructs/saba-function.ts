import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import type { MetricStorage } from './metric-storage.ts';

export interface SabaFunctionProps {
  /** File name under functions/, without extension. */
  entry: string;
  description: string;
  memorySize?: number;
  timeout?: Duration;
}

/** DynamoDB actions each kind of function needs on the entity table; never Scan. */
export const ENTITY_ACCESS = {
  /** The authorizer: one GetItem per uncached key. */
  authorize: ['dynamodb:GetItem'],
  /**
   * Ingest: is the host live (GetItem); pulses, when Timestream holds the points (UpdateItem); and
   * monitoring on arrival: monitors (Query), alert states, alerts and logs (BatchGetItem, PutItem,
   * UpdateItem, DeleteItem).
   */
  ingest: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  /** The checker: monitors, hosts without specs, alert states (Query); alert writes. */
  monitor: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  /** The notifier: channels and users (Query, GetItem); delivery records (PutItem, DeleteItem). */
  notify: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  /** The compaction dispatcher lists organizations. */
  listOrgs: ['dynamodb:Query'],
  api: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
} as const;

/** Actions on the metric storage: DynamoDB actions on its table, or Timestream actions on its table. */
export const METRIC_ACCESS = {
  write: { dynamodb: ['dynamodb:UpdateItem'], timestream: ['timestream:WriteRecords'] },
  read: {
    dynamodb: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    timestream: ['timestream:Select'],
  },
} as const;

/**
 * The one way saba makes a Lambda function: Node.js 24 on ARM64, ESM bundled by the local esbuild
 * (no Docker), X-Ray tracing, its own log group with a retention. `bindTable` sets the table's
 * environment variable and grants exactly the actions asked for, in one call.
 */
export class SabaFunction extends Construct {
  readonly fn: NodejsFunction;
  #timestreamBound = false;

  constructor(scope: Construct, id: string, props: SabaFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../../functions/${props.entry}.ts`, import.meta.url)),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        externalModules: [],
      },
    });
  }

  bindTable(table: ITableV2, access: keyof typeof ENTITY_ACCESS): this {
    this.fn.addEnvironment(ENV.tableName, table.tableName);
    table.grant(this.fn, ...ENTITY_ACCESS[access]);
    return this;
  }

  /** Environment and least-privilege grants for the chosen metric store. */
  bindMetrics(storage: MetricStorage, access: keyof typeof METRIC_ACCESS, retentionDays: number): this {
    this.fn.addEnvironment(ENV.metricStore, storage.kind);
    const timestreamBound = this.#timestreamBound;
    this.#timestreamBound = true;
    if (storage.table) {
      this.fn.addEnvironment(ENV.metricsTableName, storage.table.tableName);
      this.fn.addEnvironment(ENV.retentionDays, String(retentionDays));
      storage.table.grant(this.fn, ...METRIC_ACCESS[access].dynamodb);
    }
    if (storage.timestream) {
      this.fn.addEnvironment(ENV.timestreamDatabase, storage.timestream.database);
      this.fn.addEnvironment(ENV.timestreamTable, storage.timestream.table);
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...METRIC_ACCESS[access].timestream],
          resources: [storage.timestream.tableArn],
        }),
      );
      // Timestream's endpoint discovery call has no resource narrower than *.
      if (!timestreamBound)
        this.fn.addToRolePolicy(
          new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }),
        );
    }
    return this;
  }
}
