import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoCredentials } from './client.ts';

/**
 * Creates a table with saba's key schema (string pk, string sk) if missing. Used by local mode and tests against dynalite only; on AWS
 * the tables are CDK resources with the same key schema (infra/constructs/).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

/** `ensureTable` against a dynalite endpoint (local mode, the admin CLI, tests and benchmarks). */
export async function ensureTableAt(
  endpoint: string,
  tableName: string,
  credentials: DynamoCredentials = { accessKeyId: 'local', secretAccessKey: 'local' },
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
  });
  try {
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
}
