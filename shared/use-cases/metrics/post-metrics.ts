import { epochSeconds } from '../../domain/clock.ts';
import { type NamedPoint, windowVerdict } from '../../domain/metrics.ts';
import { ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { HostPoint } from '../../schemas/metrics.ts';
import type { WritableOwners } from './writable-owners.ts';

/**
 * Distinct hosts one `POST /api/v0/tsdb` may name. The agent names its own host and those of its
 * custom-identifier plugins (a handful); a bound keeps one post from fanning out into thousands of reads.
 */
export const MAX_HOSTS_PER_POST = 100;

/** Why a point was not stored (answered with a 200 all the same, as Mackerel does). */
export interface DroppedPoints {
  /** Older than 24 h. */
  tooOld: number;
  /** More than an hour ahead of the server's clock. */
  future: number;
}

/**
 * What a post stored: exactly these points, and nothing else, are what monitors evaluate and what
 * is forwarded to CloudWatch.
 */
export interface AcceptedHostPoints {
  byHost: Map<string, NamedPoint[]>;
  stored: number;
  dropped: DroppedPoints;
}

export interface AcceptedServicePoints {
  points: NamedPoint[];
  stored: number;
  dropped: DroppedPoints;
}

/**
 * `POST /api/v0/tsdb`. Primary course: at most 100 distinct hosts (else 400); every host named must
 * be a live host of the organization (else 404 and nothing is stored); points outside
 * [now − 24 h, now + 1 h] are dropped and counted; each host's points are written, and the call
 * returns the accepted points once all of them are durable. Retries are harmless: a re-posted
 * (host, name, time) overwrites itself.
 */
export async function postHostMetrics(
  deps: Deps,
  owners: WritableOwners,
  orgId: string,
  points: HostPoint[],
): Promise<AcceptedHostPoints> {
  const dropped: DroppedPoints = { tooOld: 0, future: 0 };
  const byHost = new Map<string, NamedPoint[]>();
  if (points.length === 0) return { byHost, stored: 0, dropped };
  const hosts = new Set(points.map((p) => p.hostId));
  if (hosts.size > MAX_HOSTS_PER_POST)
    throw new ValidationError(
      `A post may carry points of at most ${MAX_HOSTS_PER_POST} hosts (this one names ${hosts.size}).`,
    );
  await owners.assertHosts(deps, orgId, [...hosts]);
  const now = epochSeconds(deps.clock);
  let stored = 0;
  for (const { hostId, name, time, value } of points) {
    const v = windowVerdict(time, now);
    if (v !== 'ok') {
      dropped[v]++;
      continue;
    }
    const list = byHost.get(hostId);
    if (list) list.push({ name, time, value });
    else byHost.set(hostId, [{ name, time, value }]);
    stored++;
  }
  await Promise.all(
    [...byHost].map(([id, list]) => deps.metrics.write(orgId, { kind: 'host', id }, list, now)),
  );
  return { byHost, stored, dropped };
}

/** `POST /api/v0/services/<name>/tsdb`: the same rules for one service's points. */
export async function postServiceMetrics(
  deps: Deps,
  owners: WritableOwners,
  orgId: string,
  service: string,
  posted: NamedPoint[],
): Promise<AcceptedServicePoints> {
  await owners.assertService(deps, orgId, service);
  const now = epochSeconds(deps.clock);
  const dropped: DroppedPoints = { tooOld: 0, future: 0 };
  const points: NamedPoint[] = [];
  for (const p of posted) {
    const v = windowVerdict(p.time, now);
    if (v === 'ok') points.push({ name: p.name, time: p.time, value: p.value });
    else dropped[v]++;
  }
  if (points.length > 0) await deps.metrics.write(orgId, { kind: 'service', id: service }, points, now);
  return { points, stored: points.length, dropped };
}
