import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner, NamedPoint } from '../../domain/metrics.ts';
import { encodeValue, MINUTE_ITEM_TTL, metricAttr, minuteKeys, pulseKeys } from './metric-keys.ts';
import { conditionally, type Table } from './table.ts';

/** UpdateExpression is limited to 4 KB: at most this many metrics per minute-item update. */
const NAMES_PER_UPDATE = 150;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * One UpdateItem per posted time (usually one per post): `SET _name = value` for each metric, so a
 * re-post overwrites and a partial post for the same time merges. Attribute names only ever come
 * from validated metric names, through placeholders.
 */
export async function writeMinuteItems(table: Table, org: string, owner: MetricOwner, points: NamedPoint[]) {
  const byTime = new Map<number, Map<string, number>>();
  for (const p of points) {
    const values = byTime.get(p.time) ?? new Map<string, number>();
    values.set(p.name, p.value);
    byTime.set(p.time, values);
  }
  const updates = [...byTime].flatMap(([time, values]) =>
    chunks([...values], NAMES_PER_UPDATE).map((part) => {
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const vals: Record<string, number | string> = { ':ttl': time + MINUTE_ITEM_TTL };
      const sets = part.map(([name, value], i) => {
        names[`#m${i}`] = metricAttr(name);
        vals[`:v${i}`] = encodeValue(value);
        return `#m${i} = :v${i}`;
      });
      return table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: minuteKeys(org, owner, time),
          UpdateExpression: `SET ${sets.join(', ')}, #ttl = :ttl`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: vals,
        }),
      );
    }),
  );
  await Promise.all(updates);
}

/**
 * The owner's pulse: arrival time (heartbeat) and newest point time (names are items of their own,
 * see metric-names.ts). The newest time only moves forward: if this post is older than what is
 * stored, a second update records the heartbeat alone. No read, no scan.
 */
export async function touchPulse(
  table: Table,
  org: string,
  owner: MetricOwner,
  points: NamedPoint[],
  arrivedAt: number,
) {
  const newest = Math.max(...points.map((p) => p.time));
  const base = { TableName: table.name, Key: pulseKeys(org, owner) };
  const advanced = await conditionally(() =>
    table.doc.send(
      new UpdateCommand({
        ...base,
        UpdateExpression: 'SET #at = :at, #lt = :lt',
        ConditionExpression: 'attribute_not_exists(#lt) OR #lt <= :lt',
        ExpressionAttributeNames: { '#at': 'at', '#lt': 'lt' },
        ExpressionAttributeValues: { ':at': arrivedAt, ':lt': newest },
      }),
    ),
  );
  if (advanced) return;
  await table.doc.send(
    new UpdateCommand({
      ...base,
      UpdateExpression: 'SET #at = :at',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': arrivedAt },
    }),
  );
}
