import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { coveredSpan, type MetricOwner, type MetricPoint } from '../../domain/metrics.ts';
import { unpackDay, unpackHours } from './day-codec.ts';
import {
  DAY,
  dayOf,
  dayPartition,
  decodeValue,
  MINUTE_ITEM_TTL,
  metricAttr,
  minutePartition,
  minuteSkParts,
  pad,
  padEnd,
} from './metric-keys.ts';
import { queryPages, type Table } from './table.ts';

const between = (pk: string, a: number, b: number, projection: string, names: Record<string, string>) => ({
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
  ExpressionAttributeValues: { ':pk': pk, ':a': pad(a), ':b': padEnd(b) },
  ProjectionExpression: projection,
  ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
});

/** Points of one series from minute items of one day, within [a, b]. */
async function minutePoints(
  table: Table,
  org: string,
  owner: MetricOwner,
  name: string,
  day: number,
  a: number,
  b: number,
) {
  const items = await queryPages(
    table,
    between(minutePartition(org, owner, day), Math.max(a, day), Math.min(b, day + DAY - 1), 'sk, #m', {
      '#m': metricAttr(name),
    }),
  );
  // A time may have a value in its first item and in a spill part: the first item's wins.
  const byTime = new Map<number, { part: number; value: number }>();
  for (const i of items) {
    const value = decodeValue(i[metricAttr(name)]);
    if (value === undefined) continue;
    const { time, part } = minuteSkParts(i.sk as string);
    const held = byTime.get(time);
    if (!held || part < held.part) byTime.set(time, { part, value });
  }
  return [...byTime].sort(([a], [b]) => a - b).map(([time, { value }]) => ({ time, value }));
}

/**
 * One series over [from, to] with the bucket rule of `stepFor`: compacted days come from day items
 * (their hourly sums when the step is a whole number of hours), the days not compacted yet from
 * minute items, one Query per day, in parallel. Day items are read from the archive table, and
 * from the metric table too when they differ (days packed before the archive existed).
 */
export async function readSeries(
  table: Table,
  archive: Table,
  org: string,
  owner: MetricOwner,
  name: string,
  from: number,
  to: number,
  step: number,
  now: number,
): Promise<MetricPoint[]> {
  const [a, b] = coveredSpan(from, to, step);
  const hourly = step > 60 && step % 3600 === 0;
  const query = between(
    dayPartition(org, owner, name),
    dayOf(a),
    dayOf(b),
    hourly ? 'sk, h, g' : 'sk, t, v, w',
    {},
  );
  const [archived, legacy] = await Promise.all([
    queryPages(archive, query),
    archive === table ? [] : queryPages(table, query),
  ]);
  const archivedDays = new Set(archived.map((i) => i.sk));
  const dayItems = [...archived, ...legacy.filter((i) => !archivedDays.has(i.sk))];
  const compacted = new Set(dayItems.map((i) => Number(i.sk)));
  const sums = new Map<number, { sum: number; count: number }>();
  const raw: MetricPoint[] = [];
  for (const item of dayItems) {
    const day = Number(item.sk);
    if (hourly) {
      for (const h of unpackHours(item as never, day)) {
        if (h.hour >= a && h.hour <= b) sums.set(h.hour, h);
      }
    } else {
      raw.push(...unpackDay(item as never, day).filter((p) => p.time >= a && p.time <= b));
    }
  }
  const open: number[] = [];
  for (let day = dayOf(a); day <= dayOf(b); day += DAY) {
    if (!compacted.has(day) && day + DAY + MINUTE_ITEM_TTL > now) open.push(day);
  }
  const fresh = (
    await Promise.all(open.map((day) => minutePoints(table, org, owner, name, day, a, b)))
  ).flat();
  raw.push(...fresh);
  raw.sort((x, y) => x.time - y.time);
  if (step <= 60) return raw;
  for (const p of raw) {
    const key = Math.floor(p.time / (hourly ? 3600 : step)) * (hourly ? 3600 : step);
    const s = sums.get(key) ?? { sum: 0, count: 0 };
    s.sum += p.value;
    s.count += 1;
    sums.set(key, s);
  }
  const buckets = new Map<number, { sum: number; count: number }>();
  for (const [t, s] of sums) {
    const key = Math.floor(t / step) * step;
    const acc = buckets.get(key) ?? { sum: 0, count: 0 };
    acc.sum += s.sum;
    acc.count += s.count;
    buckets.set(key, acc);
  }
  return [...buckets].sort(([x], [y]) => x - y).map(([time, s]) => ({ time, value: s.sum / s.count }));
}

/**
 * The newest value of each name, looking back 15 minutes from `newest` (the pulse's newest time) and
 * forward `ahead` seconds, since the pulse is not written on every post (metric-arrivals.ts).
 */
export async function readLatest(
  table: Table,
  org: string,
  owner: MetricOwner,
  newest: number,
  names: string[],
  ahead: number,
) {
  const found: Record<string, MetricPoint | null> = Object.fromEntries(names.map((n) => [n, null]));
  const parts = new Map<string, number>();
  const attrs = Object.fromEntries(names.map((n, i) => [`#m${i}`, metricAttr(n)]));
  for (const day of new Set([dayOf(newest + ahead), dayOf(newest), dayOf(newest - 900)])) {
    const items = await queryPages(table, {
      ...between(
        minutePartition(org, owner, day),
        newest - 900,
        newest + ahead,
        ['sk', ...Object.keys(attrs)].join(', '),
        attrs,
      ),
      ScanIndexForward: false,
    });
    for (const item of items) {
      const { time, part } = minuteSkParts(item.sk as string);
      for (const n of names) {
        const v = decodeValue(item[metricAttr(n)]);
        const held = found[n];
        // Newest time first; within one time the first item (part 0) wins over a spill part.
        if (
          v !== undefined &&
          (!held || time > held.time || (time === held.time && part < (parts.get(n) ?? 0)))
        ) {
          found[n] = { time, value: v };
          parts.set(n, part);
        }
      }
    }
  }
  return found;
}

/**
 * The time of the owner's newest minute item from `since` on (at most two day partitions, newest
 * first, one item each): what confirms or refutes a silence that a stale heartbeat suggests.
 */
export async function newestMinute(
  table: Table,
  org: string,
  owner: MetricOwner,
  since: number,
  now: number,
): Promise<number | undefined> {
  for (let day = dayOf(now); day >= Math.max(dayOf(since), dayOf(now) - DAY); day -= DAY) {
    const items = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': minutePartition(org, owner, day) },
        ProjectionExpression: 'sk',
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const sk = items.Items?.[0]?.sk;
    if (typeof sk === 'string') return minuteSkParts(sk).time;
  }
  return undefined;
}
