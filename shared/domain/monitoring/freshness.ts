import type { NamedPoint } from '../metrics.ts';

/**
 * Points older than this when they arrive are a backlog being caught up (or a host that stopped
 * posting): they are stored, but monitors evaluate and score only what is fresher.
 */
export const FRESH_SECONDS = 180;

/** A post's newest time and that time's values; undefined when the post is empty or all backlog. */
export function newestFresh(
  points: readonly NamedPoint[],
  now: number,
): { time: number; values: Record<string, number> } | undefined {
  if (points.length === 0) return undefined;
  const time = Math.max(...points.map((p) => p.time));
  if (time < now - FRESH_SECONDS) return undefined;
  return {
    time,
    values: Object.fromEntries(points.filter((p) => p.time === time).map((p) => [p.name, p.value])),
  };
}
