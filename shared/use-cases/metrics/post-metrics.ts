import { epochSeconds } from '../../domain/clock.ts';
import { isWithinWindow, type NamedPoint } from '../../domain/metrics.ts';
import { ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { HostPoint } from '../../schemas/metrics.ts';
import type { WritableOwners } from './writable-owners.ts';

/**
 * Distinct hosts one `POST /api/v0/tsdb` may name. The agent names its own host and those of its
 * custom-identifier plugins (a handful); a bound keeps one post from fanning out into thousands of reads.
 */
export const MAX_HOSTS_PER_POST = 100;

export interface PostResult {
  stored: number;
  dropped: number;
}

/**
 * `POST /api/v0/tsdb`. Primary course: at most 100 distinct hosts (else 400); every host named must
 * be a live host of the organization (else 404 and nothing is stored); points outside [now − 24 h, now + 1 h] are dropped; each host's
 * points are written, and the call returns once all of them are durable. Retries are harmless:
 * a re-posted (host, name, time) overwrites itself.
 */
export async function postHostMetrics(
  deps: Deps,
  owners: WritableOwners,
  orgId: string,
  points: HostPoint[],
): Promise<PostResult> {
  if (points.length === 0) return { stored: 0, dropped: 0 };
  const hosts = new Set(points.map((p) => p.hostId));
  if (hosts.size > MAX_HOSTS_PER_POST)
    throw new ValidationError(
      `A post may carry points of at most ${MAX_HOSTS_PER_POST} hosts (this one names ${hosts.size}).`,
    );
  await owners.assertHosts(
    deps,
    orgId,
    points.map((p) => p.hostId),
  );
  const now = epochSeconds(deps.clock);
  const byHost = new Map<string, NamedPoint[]>();
  let dropped = 0;
  for (const { hostId, name, time, value } of points) {
    if (!isWithinWindow(time, now)) {
      dropped++;
      continue;
    }
    const list = byHost.get(hostId) ?? [];
    list.push({ name, time, value });
    byHost.set(hostId, list);
  }
  await Promise.all(
    [...byHost].map(([id, list]) => deps.metrics.write(orgId, { kind: 'host', id }, list, now)),
  );
  return { stored: points.length - dropped, dropped };
}

/** `POST /api/v0/services/<name>/tsdb`: the same rules for one service's points. */
export async function postServiceMetrics(
  deps: Deps,
  owners: WritableOwners,
  orgId: string,
  service: string,
  points: NamedPoint[],
): Promise<PostResult> {
  await owners.assertService(deps, orgId, service);
  const now = epochSeconds(deps.clock);
  const kept = points.filter((p) => isWithinWindow(p.time, now));
  if (kept.length > 0) await deps.metrics.write(orgId, { kind: 'service', id: service }, kept, now);
  return { stored: kept.length, dropped: points.length - kept.length };
}
