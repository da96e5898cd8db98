import type { ValueType } from './ast.ts';

/** A function's signature, as Prometheus's parser checks it. */
export interface Signature {
  args: ValueType[];
  /** How many trailing arguments may be left out (-1: the last one repeats any number of times). */
  optional?: number;
  returns: ValueType;
}

const instant = (extra: ValueType[] = [], optional?: number): Signature => ({
  args: ['vector', ...extra],
  ...(optional !== undefined && { optional }),
  returns: 'vector',
});
const overTime: Signature = { args: ['matrix'], returns: 'vector' };
const dateFunction: Signature = { args: ['vector'], optional: 1, returns: 'vector' };

/** The functions saba evaluates: Mackerel's list and the rest of Prometheus's float functions. */
export const SIGNATURES: Record<string, Signature> = {
  rate: overTime,
  irate: overTime,
  increase: overTime,
  delta: overTime,
  idelta: overTime,
  deriv: overTime,
  changes: overTime,
  resets: overTime,
  avg_over_time: overTime,
  sum_over_time: overTime,
  count_over_time: overTime,
  min_over_time: overTime,
  max_over_time: overTime,
  last_over_time: overTime,
  present_over_time: overTime,
  stddev_over_time: overTime,
  stdvar_over_time: overTime,
  absent_over_time: overTime,
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  abs: instant(),
  ceil: instant(),
  floor: instant(),
  exp: instant(),
  ln: instant(),
  log2: instant(),
  log10: instant(),
  sqrt: instant(),
  sgn: instant(),
  round: instant(['scalar'], 1),
  clamp: instant(['scalar', 'scalar']),
  clamp_min: instant(['scalar']),
  clamp_max: instant(['scalar']),
  absent: instant(),
  sort: instant(),
  sort_desc: instant(),
  timestamp: instant(),
  label_replace: instant(['string', 'string', 'string', 'string']),
  label_join: { args: ['vector', 'string', 'string', 'string'], optional: -1, returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
  pi: { args: [], returns: 'scalar' },
  day_of_month: dateFunction,
  day_of_week: dateFunction,
  day_of_year: dateFunction,
  days_in_month: dateFunction,
  hour: dateFunction,
  minute: dateFunction,
  month: dateFunction,
  year: dateFunction,
};
