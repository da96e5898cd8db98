import { epochSeconds } from '../../domain/clock.ts';
import { MIN_TRAINING_MINUTES } from '../../domain/monitoring/anomaly/model.ts';
import { ExpressionError, parseExpression } from '../../domain/monitoring/expression.ts';
import {
  type AnomalyDetectionMonitor,
  type ApiMonitor,
  type CheckMonitor,
  type ConnectivityMonitor,
  isApiMonitor,
  MONITOR_TYPES,
  type Monitor,
  type NewMonitor,
  normalizeScope,
} from '../../domain/monitoring/monitor.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import { PromQLParseError, parsePromQL, typeOf } from '../../domain/promql/parse.ts';
import { expandVariables } from '../../domain/promql/variables.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Deps, EntityDeps } from '../../ports/deps.ts';

export const MONITOR_NOT_FOUND = 'Monitor Not Found.';

/** Scopes name services (`svc`) or roles (`svc:role`) that must exist. */
async function assertScopesExist(deps: EntityDeps, orgId: string, scopes: string[]): Promise<void> {
  for (const scope of scopes) {
    if (scope.includes(':')) {
      const { service, role } = parseRoleFullname(scope);
      if (!(await deps.entities.roles.get(orgId, service, role)))
        throw new ValidationError(`Scope ${JSON.stringify(scope)} names a role that does not exist.`);
    } else if (!(await deps.entities.services.get(orgId, scope))) {
      throw new ValidationError(`Scope ${JSON.stringify(scope)} names a service that does not exist.`);
    }
  }
}

/** Fewer hosts than this have no peers to be judged against. */
export const MIN_ROLE_HOSTS = 3;

/**
 * Anomaly detection is per role: every scope a role with peers enough, no role watched by two
 * anomaly monitors, and a training period that starts at least a day ago.
 */
async function validateAnomalyDetection(
  deps: EntityDeps,
  orgId: string,
  m: Omit<AnomalyDetectionMonitor, 'id'>,
  id: string | undefined,
): Promise<Omit<AnomalyDetectionMonitor, 'id'>> {
  const scopes = [...new Set(m.scopes.map(normalizeScope))];
  // A role the monitor already watches is not judged again: `mkr monitors push` re-saves every
  // monitor unchanged, and a role that has since shrunk must not make that fail.
  const current = id === undefined ? undefined : await deps.entities.monitors.get(orgId, id);
  const watched = new Set(current?.type === 'anomalyDetection' ? current.scopes : []);
  for (const scope of scopes.filter((s) => !watched.has(s))) {
    if (!scope.includes(':')) {
      const what = (await deps.entities.hosts.get(orgId, scope)) ? 'a host' : 'a service';
      throw new ValidationError(
        `Scope ${JSON.stringify(scope)} names ${what}: anomaly detection watches roles, written \`Service: role\`.`,
      );
    }
    const { service, role } = parseRoleFullname(scope);
    if (!(await deps.entities.roles.get(orgId, service, role)))
      throw new ValidationError(`Scope ${JSON.stringify(scope)} names a role that does not exist.`);
    const members = await deps.entities.roleMembers.hostIds(orgId, service, role);
    const live = (await deps.entities.hosts.getSummaries(orgId, members)).filter((h) => !h.isRetired);
    if (live.length < MIN_ROLE_HOSTS)
      throw new ValidationError(
        `Role ${JSON.stringify(scope)} has ${live.length} host${live.length === 1 ? '' : 's'}: anomaly detection needs at least ${MIN_ROLE_HOSTS} to compare.`,
      );
  }
  const others = (await deps.entities.monitors.list(orgId)).filter(
    (o): o is AnomalyDetectionMonitor => o.type === 'anomalyDetection' && o.id !== id,
  );
  for (const scope of scopes) {
    const taken = others.find((o) => o.scopes.includes(scope));
    if (taken)
      throw new ValidationError(
        `Role ${JSON.stringify(scope)} is already watched by anomaly detection monitor ${JSON.stringify(taken.name)}.`,
      );
  }
  if (m.trainingPeriodFrom !== undefined) {
    const now = epochSeconds(deps.clock);
    if (m.trainingPeriodFrom > now) throw new ValidationError('trainingPeriodFrom is in the future.');
    if (now - m.trainingPeriodFrom < MIN_TRAINING_MINUTES * 60)
      throw new ValidationError(
        'trainingPeriodFrom leaves less than a day to learn from: it must be a day ago or earlier.',
      );
  }
  return { ...m, scopes };
}

/** What saving a monitor reads: the services and roles it names, and which URLs may be called. */
type MonitorDeps = EntityDeps & Pick<Deps, 'targets'>;

async function validate(deps: MonitorDeps, orgId: string, m: NewMonitor, id?: string): Promise<NewMonitor> {
  if (m.type === 'anomalyDetection') return validateAnomalyDetection(deps, orgId, m, id);
  if (m.type === 'external') {
    const refusal = await deps.targets.refusal(m.url);
    if (refusal) throw new ValidationError(`url: ${refusal}.`);
  }
  if ('scopes' in m || 'excludeScopes' in m) {
    const scoped = m as Omit<ConnectivityMonitor, 'id'>;
    const scopes = (scoped.scopes ?? []).map(normalizeScope);
    const excludes = (scoped.excludeScopes ?? []).map(normalizeScope);
    await assertScopesExist(deps, orgId, [...scopes, ...excludes]);
    m = { ...m, ...(scoped.scopes && { scopes }), ...(scoped.excludeScopes && { excludeScopes: excludes }) };
  }
  if ((m.type === 'service' || m.type === 'external') && m.service !== undefined) {
    if (!(await deps.entities.services.get(orgId, m.service)))
      throw new ValidationError(`Service ${JSON.stringify(m.service)} does not exist.`);
  }
  if (m.type === 'query') {
    try {
      const type = typeOf(parsePromQL(expandVariables(m.query, { start: 0, end: 0, step: 60_000 })));
      if (type !== 'vector' && type !== 'scalar')
        throw new ValidationError(
          `Invalid query: it gives a ${type === 'matrix' ? 'range vector' : type}; a query monitor needs an instant vector or a scalar.`,
        );
    } catch (err) {
      if (err instanceof PromQLParseError) throw new ValidationError(`Invalid query: ${err.message}.`);
      throw err;
    }
  }
  if (m.type === 'expression') {
    try {
      parseExpression(m.expression);
    } catch (err) {
      if (err instanceof ExpressionError) throw new ValidationError(`Invalid expression: ${err.message}.`);
      throw err;
    }
  }
  return m;
}

/** Mackerel orders the list by type, then name. */
const typeOrder = (m: Monitor) => (MONITOR_TYPES as readonly string[]).indexOf(m.type);

export async function listMonitors(deps: EntityDeps, orgId: string): Promise<ApiMonitor[]> {
  return (await deps.entities.monitors.list(orgId))
    .filter(isApiMonitor)
    .sort((a, b) => typeOrder(a) - typeOrder(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export async function getMonitor(deps: EntityDeps, orgId: string, id: string): Promise<ApiMonitor> {
  const m = await deps.entities.monitors.get(orgId, id);
  if (!m || !isApiMonitor(m)) throw new NotFoundError(MONITOR_NOT_FOUND);
  return m;
}

export async function createMonitor(deps: MonitorDeps, orgId: string, body: NewMonitor): Promise<ApiMonitor> {
  const monitor = { id: deps.newId(), ...(await validate(deps, orgId, body)) } as ApiMonitor;
  await deps.entities.monitors.put(orgId, monitor);
  return monitor;
}

/**
 * A full replace, except that connectivity's `alertStatusOnGone` and external's `headers` keep their
 * stored values when omitted (Mackerel's documented exceptions). The type cannot change.
 */
export async function updateMonitor(
  deps: MonitorDeps,
  orgId: string,
  id: string,
  body: NewMonitor,
): Promise<ApiMonitor> {
  const current = await getMonitor(deps, orgId, id);
  if (current.type !== body.type)
    throw new ValidationError(`The type of a monitor cannot change (${current.type} to ${body.type}).`);
  const kept = {
    ...(current.type === 'connectivity' &&
      current.alertStatusOnGone && { alertStatusOnGone: current.alertStatusOnGone }),
    ...(current.type === 'external' && current.headers && { headers: current.headers }),
  };
  const monitor = { ...kept, ...(await validate(deps, orgId, body, id)), id } as ApiMonitor;
  await deps.entities.monitors.put(orgId, monitor);
  return monitor;
}

/** Deletes the monitor; its open alerts are closed by the caller (composed one level up). */
export async function deleteMonitor(deps: Deps, orgId: string, id: string): Promise<ApiMonitor> {
  const m = await getMonitor(deps, orgId, id);
  await deps.entities.monitors.delete(orgId, id);
  return m;
}

export async function listCheckMonitors(deps: EntityDeps, orgId: string): Promise<CheckMonitor[]> {
  return (await deps.entities.monitors.list(orgId))
    .filter((m): m is CheckMonitor => m.type === 'check')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function getCheckMonitor(deps: EntityDeps, orgId: string, id: string): Promise<CheckMonitor> {
  const m = await deps.entities.monitors.get(orgId, id);
  if (m?.type !== 'check') throw new NotFoundError(MONITOR_NOT_FOUND);
  return m;
}

/** A new organization starts with a connectivity monitor over every host, as in Mackerel. */
export async function createDefaultMonitors(deps: EntityDeps, orgId: string): Promise<void> {
  await deps.entities.monitors.put(orgId, { id: deps.newId(), type: 'connectivity', name: 'connectivity' });
}
