import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner, MetricPoint } from '../../domain/metrics.ts';
import { packDay } from './day-codec.ts';
import {
  DAY,
  dayOf,
  dayPartition,
  decodeValue,
  MINUTE_ITEM_TTL,
  minutePartition,
  minuteSkParts,
  ownerOfPulse,
  pad,
  pulseKeys,
  pulsePartition,
} from './metric-keys.ts';
import { batchPutAll, type Item, queryAll, type Table } from './table.ts';

/** A day can be compacted once no post can still add to it: points older than 24 h are dropped. */
export const COMPACT_AFTER = 2 * DAY;

async function minuteItemsOfDay(table: Table, org: string, owner: MetricOwner, day: number): Promise<Item[]> {
  return queryAll(table, minutePartition(org, owner, day));
}

/** Packs one owner's day: one day item per metric into `archive` (BatchWrite, 25 at a time). Idempotent. */
export async function compactOwnerDay(
  table: Table,
  archive: Table,
  org: string,
  owner: MetricOwner,
  day: number,
  retentionDays: number,
) {
  const items = await minuteItemsOfDay(table, org, owner, day);
  // name → time → value; a time's first item wins over its spill parts (metric-keys.ts).
  const byName = new Map<string, Map<number, { part: number; value: number }>>();
  for (const item of items) {
    const { time, part } = minuteSkParts(item.sk as string);
    for (const [attr, stored] of Object.entries(item)) {
      const value = attr.startsWith('_') ? decodeValue(stored) : undefined;
      if (value === undefined) continue;
      const times = byName.get(attr.slice(1)) ?? new Map<number, { part: number; value: number }>();
      const held = times.get(time);
      if (!held || part < held.part) times.set(time, { part, value });
      byName.set(attr.slice(1), times);
    }
  }
  const series = new Map<string, MetricPoint[]>(
    [...byName].map(([name, times]) => [
      name,
      [...times].sort(([a], [b]) => a - b).map(([time, { value }]) => ({ time, value })),
    ]),
  );
  await batchPutAll(
    archive,
    [...series].map(([name, points]) => ({
      pk: dayPartition(org, owner, name),
      sk: pad(day),
      ...packDay(
        points.sort((a, b) => a.time - b.time),
        day,
      ),
      ttl: day + retentionDays * DAY,
    })),
  );
  return series.size;
}

/**
 * Compacts every owner of one pulse shard: each day from the day after its last compacted one (or
 * the oldest minute items still kept) to `now − 2 days`, then records how far it got (`cd`).
 * One shard is one SQS message in the compaction job, so the work spreads over many invocations.
 * Returns how many owner-days held points.
 */
export async function compactShard(
  table: Table,
  archive: Table,
  org: string,
  shard: number,
  now: number,
  retentionDays: number,
) {
  const pulses = await queryAll(table, pulsePartition(org, shard));
  let days = 0;
  const last = dayOf(now - COMPACT_AFTER);
  for (const pulse of pulses) {
    const owner = ownerOfPulse(pulse.sk as string);
    const newest = Number(pulse.lt ?? 0);
    const start = Math.max(Number(pulse.cd ?? 0) + DAY, dayOf(now - MINUTE_ITEM_TTL) + DAY);
    let done = Number(pulse.cd ?? 0);
    for (let day = start; day <= Math.min(last, dayOf(newest)); day += DAY) {
      if ((await compactOwnerDay(table, archive, org, owner, day, retentionDays)) > 0) days++;
      done = day;
    }
    if (done !== Number(pulse.cd ?? 0)) {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: pulseKeys(org, owner),
          UpdateExpression: 'SET cd = :cd',
          ExpressionAttributeValues: { ':cd': done },
        }),
      );
    }
  }
  return days;
}
