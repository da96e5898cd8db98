import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner } from '../../domain/metrics.ts';
import { ownerOfPulse, PULSE_SHARDS, pulseKeys, pulsePartition } from './metric-keys.ts';
import { batchGetAll, type Item, queryAll, type Table } from './table.ts';

/**
 * Reads of the pulse items (see metric-keys.ts), shared by the DynamoDB and Timestream metric
 * stores: with Timestream the pulses live in the entity table.
 */

/** Pulses by owner id, with `sk`, `lt` (newest point time) and `n` (metric names). */
export async function pulsesOf(table: Table, org: string, owners: MetricOwner[]): Promise<Map<string, Item>> {
  const items = await batchGetAll(
    table,
    owners.map((o) => pulseKeys(org, o)),
    'sk, lt, n',
  );
  return new Map(items.map((item) => [ownerOfPulse(item.sk as string).id, item]));
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
  // A pulse without `at` holds only names: its owner's points all came from a cloud integration.
  return Object.fromEntries(
    shards
      .flat()
      .filter((p) => p.at !== undefined)
      .map((p) => [ownerOfPulse(p.sk as string).id, Number(p.at)]),
  );
}
