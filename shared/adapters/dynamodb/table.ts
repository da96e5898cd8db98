import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapLimited } from '../../concurrency.ts';

export interface Key {
  pk: string;
  sk: string;
}

export type Item = Record<string, unknown>;

/** The single entity table: string `pk` and `sk`, numeric `ttl` for expiry. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
  /**
   * Items per Query page. Unset, DynamoDB decides (1 MB pages); tests set it small so every
   * paginated read really crosses many pages (dynalite's pages are far larger than DynamoDB's).
   */
  pageLimit?: number;
}

export interface TableOptions {
  pageLimit?: number;
  /**
   * Metric store only: the table day items go to (on AWS a Standard-IA table: written once a day,
   * read rarely, stored long). Unset, they stay in the metric table.
   */
  archiveTableName?: string;
}

/** Every item a Query matches, following pagination. */
export async function queryPages(table: Table, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        ...input,
        ...(table.pageLimit && { Limit: table.pageLimit }),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items as Item[] | undefined) ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every item of a partition (optionally under a sort-key prefix). */
export function queryAll(table: Table, pk: string, skPrefix?: string): Promise<Item[]> {
  return queryPages(table, {
    KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(skPrefix && { ':prefix': skPrefix }) },
  });
}

/** The items at these keys (missing ones left out), 100 keys a BatchGetItem, retrying unprocessed keys. */
export async function batchGetAll(table: Table, keys: Key[], projection?: string): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map((k) => ({ ...k }));
    while (pending.length > 0) {
      const out = await table.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table.name]: { Keys: pending, ...(projection && { ProjectionExpression: projection }) },
          },
        }),
      );
      items.push(...((out.Responses?.[table.name] as Item[] | undefined) ?? []));
      pending = (out.UnprocessedKeys?.[table.name]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return items;
}

/** Runs the calls at most `limit` at a time (a wide post must not open thousands of connections). */
/** Puts items 25 a BatchWriteItem, resending unprocessed ones with backoff. */
export async function batchPutAll(table: Table, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let batch: unknown[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`${batch.length} item(s) left unprocessed by BatchWriteItem`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const out = await table.doc.send(
        new BatchWriteCommand({ RequestItems: { [table.name]: batch as never } }),
      );
      batch = out.UnprocessedItems?.[table.name] ?? [];
    }
  }
}

export const inParallel = <T>(calls: (() => Promise<T>)[], limit = 32): Promise<T[]> =>
  mapLimited(calls, limit, (call) => call());

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
