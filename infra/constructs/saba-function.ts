import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';

export interface SabaFunctionProps {
  /** File name under functions/, without extension. */
  entry: string;
  description: string;
  memorySize?: number;
  timeout?: Duration;
}

export type TableAccess = 'read-keys' | 'read-write';

const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  /** The authorizer: one GetItem per uncached key. */
  'read-keys': ['dynamodb:GetItem'],
  'read-write': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/**
 * The one way saba makes a Lambda function: Node.js 24 on ARM64, ESM bundled by the local esbuild
 * (no Docker), X-Ray tracing, its own log group with a retention. `bindTable` sets the table's
 * environment variable and grants exactly the actions asked for, in one call.
 */
export class SabaFunction extends Construct {
  readonly fn: NodejsFunction;

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

  bindTable(table: ITableV2, access: TableAccess): this {
    this.fn.addEnvironment(ENV.tableName, table.tableName);
    table.grant(this.fn, ...TABLE_ACTIONS[access]);
    return this;
  }
}
