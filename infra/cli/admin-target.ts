import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureEntityTable } from '#shared/adapters/dynamodb/create-table.ts';
import { composeDeps } from '#shared/composition.ts';
import { LOCAL_TABLE_NAME } from '#shared/config.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { endpointFile, startEmbeddedDynamo } from '../local/embedded-dynamodb.ts';

export interface AdminTarget {
  deps: Deps;
  close(): Promise<void>;
}

async function reachable(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
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
export async function openAdminTarget(opts: {
  table?: string;
  region?: string;
  dataDir: string;
}): Promise<AdminTarget> {
  if (opts.table) {
    return { deps: composeDeps({ tableName: opts.table, region: opts.region }), close: async () => {} };
  }
  const file = endpointFile(opts.dataDir);
  const advertised = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  if (advertised && (await reachable(advertised))) {
    return {
      deps: composeDeps({ tableName: LOCAL_TABLE_NAME, dynamoEndpoint: advertised }),
      close: async () => {},
    };
  }
  const dynamo = await startEmbeddedDynamo(opts.dataDir);
  const raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureEntityTable(raw, LOCAL_TABLE_NAME);
  raw.destroy();
  return {
    deps: composeDeps({ tableName: LOCAL_TABLE_NAME, dynamoEndpoint: dynamo.endpoint }),
    close: dynamo.close,
  };
}
