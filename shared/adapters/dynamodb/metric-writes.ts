import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner, NamedPoint } from '../../domain/metrics.ts';
import { ValidationError } from '../../errors.ts';
import {
  encodeValue,
  MINUTE_ITEM_TTL,
  metricAttr,
  minuteKeys,
  spillKeys,
  spillPartOf,
} from './metric-keys.ts';
import { inParallel, type Table } from './table.ts';

/** UpdateExpression is limited to 4 KB: at most this many metrics per minute-item update. */
const NAMES_PER_UPDATE = 150;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** What one minute item may hold, with room to spare under DynamoDB's 400 KB (keys and ttl included). */
const ITEM_BUDGET = 380 * 1024;
/** An attribute's size: its name (`_` + metric name, ASCII) and its value (a number, or a decimal string). */
const attrBytes = (name: string) => name.length + 1 + 26;

export class MinuteTooLargeError extends ValidationError {}

interface Placement {
  time: number;
  first: [string, number][];
  spilled: Map<number, [string, number][]>;
}

/** Where each metric of each time goes, decided before anything is written (sizes checked here). */
function place(points: NamedPoint[]): Placement[] {
  const byTime = new Map<number, Map<string, number>>();
  for (const p of points) {
    const values = byTime.get(p.time) ?? new Map<string, number>();
    values.set(p.name, p.value);
    byTime.set(p.time, values);
  }
  return [...byTime].map(([time, values]) => {
    const first: [string, number][] = [];
    const spilled = new Map<number, [string, number][]>();
    let size = 0;
    for (const [name, value] of [...values].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (size + attrBytes(name) <= ITEM_BUDGET) {
        first.push([name, value]);
        size += attrBytes(name);
      } else {
        const part = spillPartOf(name);
        spilled.set(part, [...(spilled.get(part) ?? []), [name, value]]);
      }
    }
    for (const [part, list] of spilled)
      if (list.reduce((s, [n]) => s + attrBytes(n), 0) > ITEM_BUDGET)
        throw new MinuteTooLargeError(
          `Too many or too long metric names for one host at one time (part ${part} of the minute is full).`,
        );
    return { time, first, spilled };
  });
}

function setValues(table: Table, key: Record<string, string>, time: number, part: [string, number][]) {
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
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}, #ttl = :ttl`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: vals,
    }),
  );
}

function removeNames(table: Table, key: Record<string, string>, names: string[]) {
  const attrs = Object.fromEntries(names.map((n, i) => [`#m${i}`, metricAttr(n)]));
  return table.doc.send(
    new UpdateCommand({
      TableName: table.name,
      Key: key,
      UpdateExpression: `REMOVE ${Object.keys(attrs).join(', ')}`,
      ExpressionAttributeNames: attrs,
    }),
  );
}

/**
 * One UpdateItem per posted time (usually one per post): `SET _name = value` for each metric, so a
 * re-post overwrites and a partial post for the same time merges. Attribute names only ever come
 * from validated metric names, through placeholders. A time with more than one item holds spills
 * into its parts (metric-keys.ts); every size is checked before the first write, so a post never
 * fails halfway for its size.
 */
export async function writeMinuteItems(table: Table, org: string, owner: MetricOwner, points: NamedPoint[]) {
  const placements = place(points);
  const spills = placements.flatMap(({ time, spilled }) =>
    [...spilled].flatMap(([part, list]) =>
      chunks(list, NAMES_PER_UPDATE).map(
        (c) => () => setValues(table, spillKeys(org, owner, time, part), time, c),
      ),
    ),
  );
  await inParallel(spills);
  await inParallel(
    placements.flatMap(({ time, first, spilled }) => [
      ...chunks(first, NAMES_PER_UPDATE).map(
        (c) => () => setValues(table, minuteKeys(org, owner, time), time, c),
      ),
      // The first item wins a conflict, so it must not keep an older value of a name now spilled.
      ...chunks(
        [...spilled.values()].flat().map(([n]) => n),
        NAMES_PER_UPDATE,
      ).map((c) => () => removeNames(table, minuteKeys(org, owner, time), c)),
    ]),
  );
}
