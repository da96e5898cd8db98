import type { HostSummary } from '../../domain/host.ts';
import { type MetricPoint, stepFor } from '../../domain/metrics.ts';
import {
  evaluateExpressionSeries,
  parseExpression,
  type Series,
  type SeriesRef,
  seriesRefKey,
} from '../../domain/monitoring/expression.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import type { Deps } from '../../ports/deps.ts';
import type { RoleSeries } from '../../ports/role-series.ts';

/** Points keyed by their `step`-aligned time, so series of different owners line up. */
const toSeries = (points: MetricPoint[], step: number): Series =>
  new Map(points.map((p) => [Math.floor(p.time / step) * step, p.value]));

/** Reads the member series of one `role()` reference. */
export type RoleReader = (
  fullname: string,
  metric: string,
  from: number,
  to: number,
  step: number,
) => Promise<Series[]>;

/** A role's series from its member hosts' own series (one read for many owners). */
export const roleFromMembers =
  (deps: Deps, orgId: string, hosts: () => Promise<readonly HostSummary[]>): RoleReader =>
  async (fullname, metric, from, to, step) => {
    const { service, role } = parseRoleFullname(fullname);
    const owners = (await hosts())
      .filter((h) => !h.isRetired && (h.roles[service] ?? []).includes(role))
      .map((h) => ({ kind: 'host' as const, id: h.id }));
    if (owners.length === 0) return [];
    const byOwner = await deps.metrics.rangeMany(orgId, owners, metric, from, to, step);
    return Object.values(byOwner)
      .filter((p) => p.length > 0)
      .map((p) => toSeries(p, step));
  };

/** A role's recent series from the role series kept on ingest (RoleSeries): a Query per minute. */
export const roleFromRoleSeries =
  (store: RoleSeries, orgId: string): RoleReader =>
  async (fullname, metric, from, to, step) =>
    [...(await store.read(orgId, fullname, metric, from, to)).values()].map((p) => toSeries(p, step));

async function fetchRef(
  deps: Deps,
  orgId: string,
  ref: SeriesRef,
  from: number,
  to: number,
  step: number,
  readRole: RoleReader,
): Promise<Series[]> {
  switch (ref.kind) {
    case 'host':
      return [
        toSeries(
          await deps.metrics.range(orgId, { kind: 'host', id: ref.hostId }, ref.metric, from, to, step),
          step,
        ),
      ];
    case 'service':
      return [
        toSeries(
          await deps.metrics.range(orgId, { kind: 'service', id: ref.service }, ref.metric, from, to, step),
          step,
        ),
      ];
    case 'role':
      return readRole(ref.fullname, ref.metric, from, to, step);
  }
}

/** The series every reference of an expression names, over [from, to] at `step`. */
export async function fetchRefs(
  deps: Deps,
  orgId: string,
  refs: readonly SeriesRef[],
  from: number,
  to: number,
  step: number,
  readRole: RoleReader,
): Promise<Map<string, Series[]>> {
  const data = new Map<string, Series[]>();
  for (const ref of refs)
    data.set(seriesRefKey(ref), await fetchRef(deps, orgId, ref, from, to, step, readRole));
  return data;
}

/**
 * saba's `GET /api/v0/expression`: an expression's series over a range, bucketed as the metrics API
 * buckets it (what the console draws expression graphs and values with; not in Mackerel's API).
 */
export async function readExpression(
  deps: Deps,
  orgId: string,
  expression: string,
  from: number,
  to: number,
): Promise<MetricPoint[][]> {
  const parsed = parseExpression(expression);
  const step = stepFor(from, to);
  const members = () => deps.entities.hosts.listSummaries(orgId);
  const series = evaluateExpressionSeries(
    parsed,
    await fetchRefs(deps, orgId, parsed.refs, from, to, step, roleFromMembers(deps, orgId, members)),
  );
  return series.map((s) => [...s].sort(([a], [b]) => a - b).map(([time, value]) => ({ time, value })));
}
