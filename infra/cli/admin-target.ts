import { existsSync, readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoCredentials } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { composeEntityDeps } from '#shared/composition/entities.ts';
import { ENTITY_TABLE_OUTPUT, LOCAL_TABLE_NAME } from '#shared/config.ts';
import type { EntityDeps } from '#shared/ports/deps.ts';
import {
  credentialsFile,
  endpointFile,
  localCredentials,
  startEmbeddedDynamo,
} from '../local/embedded-dynamodb.ts';

export interface AdminTarget {
  deps: EntityDeps;
  close(): Promise<void>;
}

async function reachable(endpoint: string, credentials: DynamoCredentials): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/**
 * A deployed stack's table (`--table`, with the usual AWS credentials), or a local data dir: through
 * the running server's dynalite when there is one (LevelDB allows one opener), else its own.
 */
/** The entity table named by a deployed stack's `EntityTableName` output (your usual AWS credentials). */
async function tableOfStack(stack: string, region: string | undefined): Promise<string> {
  const cfn = new CloudFormationClient({ ...(region && { region }) });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const table = out.Stacks?.[0]?.Outputs?.find((o) =>
      o.OutputKey?.includes(ENTITY_TABLE_OUTPUT),
    )?.OutputValue;
    if (!table)
      throw new Error(
        `stack ${stack} has no ${ENTITY_TABLE_OUTPUT} output (is it saba's data stack, SabaData?)`,
      );
    return table;
  } finally {
    cfn.destroy();
  }
}

export async function openAdminTarget(opts: {
  table?: string;
  stack?: string;
  region?: string;
  dataDir: string;
}): Promise<AdminTarget> {
  if (opts.stack && !opts.table) opts = { ...opts, table: await tableOfStack(opts.stack, opts.region) };
  if (opts.table) {
    return { deps: composeEntityDeps({ tableName: opts.table, region: opts.region }), close: async () => {} };
  }
  const file = endpointFile(opts.dataDir);
  const advertised = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  if (advertised && existsSync(credentialsFile(opts.dataDir))) {
    const credentials = localCredentials(opts.dataDir);
    if (await reachable(advertised, credentials))
      return {
        deps: composeEntityDeps({
          tableName: LOCAL_TABLE_NAME,
          dynamoEndpoint: advertised,
          dynamoCredentials: credentials,
        }),
        close: async () => {},
      };
  }
  const dynamo = await startEmbeddedDynamo(opts.dataDir);
  await ensureTableAt(dynamo.endpoint, LOCAL_TABLE_NAME, dynamo.credentials);
  return {
    deps: composeEntityDeps({
      tableName: LOCAL_TABLE_NAME,
      dynamoEndpoint: dynamo.endpoint,
      dynamoCredentials: dynamo.credentials,
    }),
    close: dynamo.close,
  };
}
