/** The ranges a graph can show, from 1 hour to Mackerel's 460 days; the metrics API buckets each. */
export const RANGES = [
  ['1h', 3600],
  ['6h', 6 * 3600],
  ['1d', 86400],
  ['7d', 7 * 86400],
  ['30d', 30 * 86400],
  ['90d', 90 * 86400],
  ['460d', 460 * 86400],
] as const;
export type RangeName = (typeof RANGES)[number][0];

const STORE = 'saba.range';
/** One hour by default: a host that has just started posting shows its graphs filling in at once. */
export function currentRange(): RangeName {
  const saved = sessionStorage.getItem(STORE);
  return (RANGES.find(([n]) => n === saved)?.[0] ?? '1h') as RangeName;
}
export function setRange(name: RangeName): void {
  sessionStorage.setItem(STORE, name);
}
export function window(name: RangeName = currentRange()): { from: number; to: number } {
  const seconds = RANGES.find(([n]) => n === name)?.[1] ?? 3600;
  const to = Math.floor(Date.now() / 1000);
  return { from: to - seconds, to };
}
