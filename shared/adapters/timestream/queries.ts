import type { MetricOwner } from '../../domain/metrics.ts';

export interface TimestreamTable {
  database: string;
  table: string;
}

/** String literal for Timestream SQL; ids and org names are validated, this is defence in depth. */
const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;
/** Metric names are `[a-zA-Z0-9._-]+`, so a double-quoted identifier is always safe. */
const column = (name: string): string => `"${name}"`;
const from = (t: TimestreamTable) => `"${t.database}"."${t.table}"`;

/**
 * One metric of some owners over [a, b]: raw points for step 60, else `bin()` averages
 * (bins aligned to the epoch, like every other adapter).
 */
export function rangeQuery(
  t: TimestreamTable,
  org: string,
  owners: MetricOwner[],
  name: string,
  a: number,
  b: number,
  step: number,
) {
  const kind = owners[0]?.kind ?? 'host';
  const time = step <= 60 ? 'to_unixtime(time)' : `to_unixtime(bin(time, ${step}s))`;
  const value = step <= 60 ? column(name) : `avg(${column(name)})`;
  return [
    `SELECT owner, ${time} AS t, ${value} AS v FROM ${from(t)}`,
    `WHERE org = ${literal(org)} AND kind = ${literal(kind)}`,
    `AND owner IN (${owners.map((o) => literal(o.id)).join(', ')})`,
    `AND time BETWEEN from_unixtime(${a}) AND from_unixtime(${b})`,
    `AND measure_name = '${'metrics'}' AND ${column(name)} IS NOT NULL`,
    step <= 60 ? '' : 'GROUP BY owner, 2',
    'ORDER BY owner, t',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Rows of the last 15 minutes up to each host's newest post, newest first. */
export function latestQuery(
  t: TimestreamTable,
  org: string,
  hostIds: string[],
  names: string[],
  a: number,
  b: number,
) {
  return [
    `SELECT owner, to_unixtime(time) AS t, ${names.map(column).join(', ')} FROM ${from(t)}`,
    `WHERE org = ${literal(org)} AND kind = 'host' AND owner IN (${hostIds.map(literal).join(', ')})`,
    `AND time BETWEEN from_unixtime(${a}) AND from_unixtime(${b}) AND measure_name = 'metrics'`,
    'ORDER BY time DESC',
  ].join(' ');
}
