import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type LogGroupClass, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import { lintExceptions } from './cfn-lint.ts';
import type { MetricStorage } from './metric-storage.ts';

export interface SabaFunctionProps {
  /** File name under functions/, without extension. */
  entry: string;
  description: string;
  memorySize?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
  /** Builds the web console into the bundle's `console/` folder (the api function serves it). */
  withConsole?: boolean;
  /** Invocations at once, at most (and at least: reserved from the account's pool). */
  reservedConcurrency?: number;
  /** Infrequent Access halves the ingestion price (no live tail, subscriptions or metric extraction). */
  logGroupClass?: LogGroupClass;
  /**
   * X-Ray active tracing (default on). Lambda samples 1 request a second and 5 % of the rest, which
   * it does not let you change: on the function every agent post invokes that is ~$120 a month at
   * 10,000 hosts (docs/cost-model.md), so the hot path passes tracing through instead.
   */
  activeTracing?: boolean;
}

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
/** The alert logs of a batch of alert transitions, written together (ingest and the checker). */
const ALERT_LOGS = 'dynamodb:BatchWriteItem';

/**
 * What each kind of function may do on the entity table: its actions (never Scan), and the leading
 * partition-key prefixes it may touch (`dynamodb:LeadingKeys`): `KEY#` (API keys, read only by the
 * functions that answer HTTP requests), `ORGS` (the organization list), `O#` (everything of organizations), `P#` (pulses, only with
 * the Timestream metric store, added by bindMetrics).
 */
export const ENTITY_ACCESS = {
  /** The HTTP functions' key check: one GetItem per key a minute per container, never a write. */
  keys: { actions: ['dynamodb:GetItem'], keys: ['KEY#*'] },
  /** Ingest: is the host live; monitoring on arrival (monitors, alert states, alerts and logs). */
  ingest: { actions: [...READ, ...WRITE, ALERT_LOGS], keys: ['O#*', 'ORGS'] },
  /** The checker: monitors, host summaries, alert states; alert writes; every organization. */
  monitor: { actions: [...READ, ...WRITE, ALERT_LOGS], keys: ['O#*', 'ORGS'] },
  /** The notifier: channels and users (Query, GetItem); delivery records (PutItem, DeleteItem). */
  notify: {
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    keys: ['O#*'],
  },
  /** Anomaly training: monitors, hosts and trainings read by Query; models written and deleted whole. */
  train: {
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    keys: ['O#*', 'ORGS'],
  },
  /** The compaction dispatcher lists organizations. */
  listOrgs: { actions: ['dynamodb:Query'], keys: ['ORGS'] },
  /** Every other route: everything of organizations, never an API key item. */
  api: { actions: [...READ, ...WRITE], keys: ['O#*', 'ORGS'] },
} as const;

/**
 * Actions on the metric storage: DynamoDB actions (with the key prefixes of metric-keys.ts: minute
 * items `M#`, day items `D#` (read from both tables: the metric table holds those packed before the
 * archive existed), pulses `P#`, names `N#`), actions on the archive table of day items, or
 * Timestream actions on its table.
 */
export const METRIC_ACCESS = {
  /** Points, pulses and names; the role series of watched roles (R#, written on ingest). */
  write: {
    dynamodb: ['dynamodb:UpdateItem'],
    keys: ['M#*', 'P#*', 'N#*', 'R#*'],
    archive: [],
    timestream: ['timestream:WriteRecords'],
  },
  /** Reads; UpdateItem for forgetting names on the pulse (service graph-def deletion). */
  read: {
    dynamodb: [...READ, 'dynamodb:UpdateItem'],
    keys: ['M#*', 'D#*', 'P#*', 'N#*', 'R#*'],
    archive: ['dynamodb:Query'],
    timestream: ['timestream:Select'],
  },
  /** Anomaly training: each host's names (GetItem) and series (Query); never a write. */
  history: {
    dynamodb: ['dynamodb:GetItem', 'dynamodb:Query'],
    keys: ['M#*', 'D#*', 'P#*', 'N#*'],
    archive: ['dynamodb:Query'],
    timestream: ['timestream:Select'],
  },
  /** The compaction worker: minute items in, day items out, the pulse's compaction mark. */
  compact: {
    dynamodb: ['dynamodb:Query', 'dynamodb:UpdateItem'],
    keys: ['M#*', 'P#*'],
    archive: ['dynamodb:BatchWriteItem'],
    timestream: [],
  },
} as const;

/** A statement on a table limited to items whose partition keys start with one of `keys`. */
function onKeys(table: ITableV2, actions: readonly string[], keys: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    actions: [...actions],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] } },
  });
}

/**
 * The one way saba makes a Lambda function: Node.js 24 on ARM64, ESM bundled by the local esbuild
 * (no Docker), X-Ray tracing (but on the hot path), its own log group with a retention and its own role, which may write to
 * that log group only (no AWS managed policy). `bindTable` sets the table's environment variable and
 * grants exactly the actions and key prefixes asked for, in one call.
 */
export class SabaFunction extends Construct {
  readonly fn: NodejsFunction;
  #entities?: ITableV2;
  #timestreamBound = false;

  constructor(scope: Construct, id: string, props: SabaFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      ...(props.logGroupClass && { logGroupClass: props.logGroupClass }),
    });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.fn = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../../functions/${props.entry}.ts`, import.meta.url)),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      tracing: props.activeTracing === false ? Tracing.PASS_THROUGH : Tracing.ACTIVE,
      logGroup,
      // No START/END/REPORT lines: ~400 bytes an invocation, which at one post a minute would bill
      // more than saba's own log lines (duration and memory are in the function's metrics anyway).
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      role,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        externalModules: [],
        ...(props.withConsole && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            // The same Node that runs the CDK app (24, pinned by the project) runs the console build.
            afterBundling: (inputDir: string, outputDir: string) => [
              `"${process.execPath}" "${inputDir}/console/build.ts" "${outputDir}/console"`,
            ],
          },
        }),
      },
    });
    if (props.activeTracing === false)
      lintExceptions(this.fn, {
        WS1000:
          'The hot path: Lambda samples 1 request a second and 5 % of the rest and cannot be told less; at one post per agent a minute that is the largest line of the bill after the requests (docs/cost-model.md).',
      });
    lintExceptions(this.fn, {
      W3005:
        'CDK itself adds DependsOn on the role it also references; the duplicate dependency is harmless.',
      WS1004:
        'The function has its own log group with a retention, linked by LoggingConfig; the rule only recognizes /aws/lambda/<name> log groups.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) and Timestream DescribeEndpoints accept no resource narrower than *.',
    });
  }

  /** The entity table's name only, for a function that never touches it (the compaction worker). */
  bindEnvironment(table: ITableV2): this {
    this.fn.addEnvironment(ENV.tableName, table.tableName);
    this.#entities = table;
    return this;
  }

  bindTable(table: ITableV2, access: keyof typeof ENTITY_ACCESS): this {
    this.fn.addEnvironment(ENV.tableName, table.tableName);
    this.#entities = table;
    const { actions, keys } = ENTITY_ACCESS[access];
    this.fn.addToRolePolicy(onKeys(table, actions, keys));
    return this;
  }

  /** Environment and least-privilege grants for the chosen metric store. */
  bindMetrics(storage: MetricStorage, access: keyof typeof METRIC_ACCESS, retentionDays: number): this {
    this.fn.addEnvironment(ENV.metricStore, storage.kind);
    const timestreamBound = this.#timestreamBound;
    this.#timestreamBound = true;
    const grant = METRIC_ACCESS[access];
    if (storage.table) {
      this.fn.addEnvironment(ENV.metricsTableName, storage.table.tableName);
      this.fn.addEnvironment(ENV.retentionDays, String(retentionDays));
      this.fn.addToRolePolicy(onKeys(storage.table, grant.dynamodb, grant.keys));
    }
    if (storage.archive) {
      this.fn.addEnvironment(ENV.metricsArchiveTableName, storage.archive.tableName);
      if (grant.archive.length > 0) this.fn.addToRolePolicy(onKeys(storage.archive, grant.archive, ['D#*']));
    }
    if (storage.timestream) {
      this.fn.addEnvironment(ENV.timestreamDatabase, storage.timestream.database);
      this.fn.addEnvironment(ENV.timestreamTable, storage.timestream.table);
      if (grant.timestream.length > 0)
        this.fn.addToRolePolicy(
          new PolicyStatement({ actions: [...grant.timestream], resources: [storage.timestream.tableArn] }),
        );
      // With Timestream the pulses live in the entity table, under P#.
      if (!this.#entities)
        throw new Error('bindTable before bindMetrics: Timestream keeps its pulses in the entity table');
      this.fn.addToRolePolicy(onKeys(this.#entities, grant.dynamodb, ['P#*', 'N#*']));
      // Timestream's endpoint discovery call has no resource narrower than *.
      if (!timestreamBound)
        this.fn.addToRolePolicy(
          new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }),
        );
    }
    return this;
  }
}
