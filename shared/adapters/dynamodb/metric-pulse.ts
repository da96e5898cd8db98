import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner } from '../../domain/metrics.ts';
import { ownerOfPulse, PULSE_SHARDS, pulseKeys, pulsePartition } from './metric-keys.ts';
import { type Item, queryAll, type Table } from './table.ts';

/**
 * Reads of the pulse items (`pulsesOf` returns `sk`, `lt` and the name set `n`) (see metric-keys.ts), shared by the DynamoDB and Timestream metric
 * stores: with Timestream the pulses live in the entity table.
 */
export async function pulsesOf(table: Table, org: string, owners: MetricOwner[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let i = 0; i < owners.length; i += 100) {
    let keys: Record<string, unknown>[] = owners.slice(i, i + 100).map((o) => pulseKeys(org, o));
    while (keys.length > 0) {
      const out = await table.doc.send(
        new BatchGetCommand({
          RequestItems: { [table.name]: { Keys: keys, ProjectionExpression: 'sk, lt, n' } },
        }),
      );
      for (const item of out.Responses?.[table.name] ?? []) found.set(ownerOfPulse(item.sk).id, item);
      keys = (out.UnprocessedKeys?.[table.name]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return found;
}

export async function pulseNames(table: Table, org: string, owner: MetricOwner): Promise<string[]> {
  const out = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: pulseKeys(org, owner), ProjectionExpression: 'n' }),
  );
  return [...((out.Item?.n as Set<string> | undefined) ?? [])].sort();
}

export async function forgetPulseNames(
  table: Table,
  org: string,
  owner: MetricOwner,
  names: string[],
): Promise<void> {
  if (names.length === 0) return;
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: pulseKeys(org, owner),
        UpdateExpression: 'DELETE n :names',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':names': new Set(names) },
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
}

/** One Query per pulse shard: a few KB read per 100 hosts, never a scan. */
export async function pulseLastSeen(table: Table, org: string): Promise<Record<string, number>> {
  const shards = await Promise.all(
    Array.from({ length: PULSE_SHARDS }, (_, s) => queryAll(table, pulsePartition(org, s), 'host#')),
  );
  return Object.fromEntries(shards.flat().map((p) => [ownerOfPulse(p.sk as string).id, Number(p.at)]));
}
