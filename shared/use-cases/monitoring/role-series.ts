import { epochSeconds } from '../../domain/clock.ts';
import type { NamedPoint } from '../../domain/metrics.ts';
import { ExpressionError, parseExpression } from '../../domain/monitoring/expression.ts';
import type { Monitor } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import type { RolePoints } from '../../ports/role-series.ts';
import type { MonitorDirectory } from './monitor-directory.ts';

/** Expression monitors look back at most 10 minutes: older points (a backlog) are not kept twice. */
const WATCHED_SECONDS = 15 * 60;

/** role fullname → the metrics `role()` expressions name there. */
type Watched = Map<string, Set<string>>;

/** Per monitor list (the directory hands the same array until it reloads): parsed once, not per post. */
const watchedOf = new WeakMap<readonly Monitor[], Watched>();

/** The (role, metric) pairs the organization's expression monitors read. */
export function watchedRoleMetrics(monitors: readonly Monitor[]): Watched {
  const known = watchedOf.get(monitors);
  if (known) return known;
  const watched: Watched = new Map();
  for (const m of monitors) {
    if (m.type !== 'expression') continue;
    try {
      for (const ref of parseExpression(m.expression).refs)
        if (ref.kind === 'role')
          watched.set(ref.fullname, (watched.get(ref.fullname) ?? new Set()).add(ref.metric));
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
    }
  }
  watchedOf.set(monitors, watched);
  return watched;
}

/**
 * On ingest: a host in a role that an expression monitor names keeps that metric's recent points in
 * the role's series too (one small write per role and minute), which the checker reads in bulk. Only
 * with a store that keeps role series (DynamoDB); elsewhere a role is one read already.
 */
export async function recordRoleSeries(
  deps: Deps,
  directory: MonitorDirectory,
  orgId: string,
  hostId: string,
  points: NamedPoint[],
): Promise<void> {
  const store = deps.metrics.roleSeries;
  if (!store || points.length === 0) return;
  const watched = watchedRoleMetrics(await directory.list(deps, orgId));
  if (watched.size === 0) return;
  const host = await directory.host(deps, orgId, hostId);
  if (!host || host.isRetired) return;
  const since = epochSeconds(deps.clock) - WATCHED_SECONDS;
  const roles: RolePoints[] = [];
  for (const [service, names] of Object.entries(host.roles))
    for (const name of names) {
      const metrics = watched.get(`${service}:${name}`);
      if (!metrics) continue;
      const kept = points.filter((p) => metrics.has(p.name) && p.time >= since);
      if (kept.length > 0) roles.push({ role: `${service}:${name}`, points: kept });
    }
  if (roles.length > 0) await store.record(orgId, hostId, roles);
}
