import { allSettledOrThrow } from '../../concurrency.ts';
import type { Host } from '../../domain/host.ts';
import type { LatestValues, MetricOwner, MetricPoint } from '../../domain/metrics.ts';
import { stepFor } from '../../domain/metrics.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { RangeQuery } from '../../schemas/metrics.ts';
import { getHost } from '../hosts/get-host.ts';
import { getService } from '../services/lookup.ts';
import { getRole } from '../services/roles.ts';

async function assertOwner(deps: Deps, orgId: string, owner: MetricOwner): Promise<void> {
  if (owner.kind === 'host') await getHost(deps, orgId, owner.id);
  else await getService(deps, orgId, owner.id);
}

export async function metricNames(deps: Deps, orgId: string, owner: MetricOwner): Promise<string[]> {
  await assertOwner(deps, orgId, owner);
  return deps.metrics.names(orgId, owner);
}

/** One series over [from, to]: raw up to a day, bucket averages beyond (see `stepFor`). 404 for an unknown metric. */
export async function readMetric(
  deps: Deps,
  orgId: string,
  owner: MetricOwner,
  q: RangeQuery,
): Promise<MetricPoint[]> {
  const names = await metricNames(deps, orgId, owner);
  if (!names.includes(q.name)) throw new NotFoundError('Metric Not Found.');
  return deps.metrics.range(orgId, owner, q.name, q.from, q.to, stepFor(q.from, q.to));
}

/** One metric for every live host of a role, in one call, with the hosts (names for legends). */
export async function readRoleSeries(
  deps: Deps,
  orgId: string,
  service: string,
  role: string,
  q: RangeQuery,
): Promise<{ hosts: Host[]; series: Record<string, MetricPoint[]> }> {
  const [, ids] = await allSettledOrThrow([
    getRole(deps, orgId, service, role),
    deps.entities.roleMembers.hostIds(orgId, service, role),
  ]);
  const hosts = (await deps.entities.hosts.getMany(orgId, ids)).filter(
    (h) => !h.isRetired && h.roles[service]?.includes(role),
  );
  const owners = hosts.map((h): MetricOwner => ({ kind: 'host', id: h.id }));
  const series = await deps.metrics.rangeMany(orgId, owners, q.name, q.from, q.to, stepFor(q.from, q.to));
  return { hosts, series };
}

/** One metric for every live host of a role, in one call (role graphs). */
export async function readRoleMetric(
  deps: Deps,
  orgId: string,
  service: string,
  role: string,
  q: RangeQuery,
): Promise<Record<string, MetricPoint[]>> {
  return (await readRoleSeries(deps, orgId, service, role, q)).series;
}

export const MAX_LATEST_HOSTS = 1000;
export const MAX_LATEST_NAMES = 100;

/** `GET /api/v0/tsdb/latest`: hosts of other organizations (or none) are simply not found, never shown. */
export async function latestValues(
  deps: Deps,
  orgId: string,
  hostIds: string[],
  names: string[],
): Promise<LatestValues> {
  if (hostIds.length === 0 || names.length === 0) throw new ValidationError('hostId and name are required.');
  if (hostIds.includes('') || names.includes(''))
    throw new ValidationError('hostId and name must not be empty.');
  if (hostIds.length > MAX_LATEST_HOSTS)
    throw new ValidationError(`At most ${MAX_LATEST_HOSTS} hostId values.`);
  if (new Set(names).size > MAX_LATEST_NAMES)
    throw new ValidationError(`At most ${MAX_LATEST_NAMES} name values are allowed.`);
  const unique = [...new Set(hostIds)];
  const known = await Promise.all(unique.map((id) => deps.entities.hosts.get(orgId, id)));
  const ids = unique.filter((_, i) => known[i] !== undefined);
  return deps.metrics.latest(orgId, ids, [...new Set(names)]);
}
