import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export interface Key {
  pk: string;
  sk: string;
}

export type Item = Record<string, unknown>;

/** The single entity table: string `pk` and `sk`, numeric `ttl` for expiry. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

/** Every item of a partition (optionally under a sort-key prefix), following pagination. */
export async function queryAll(table: Table, pk: string, skPrefix?: string): Promise<Item[]> {
  const input: QueryCommandInput = {
    TableName: table.name,
    KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(skPrefix && { ':prefix': skPrefix }) },
  };
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items as Item[] | undefined) ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Runs a conditional write; returns false instead of throwing when the condition fails. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as Error).name === 'ConditionalCheckFailedException'
    ) {
      return false;
    }
    throw err;
  }
}

/** Strips the key attributes so the rest can be mapped to a domain object. */
export function withoutKeys<T>(item: Item): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
