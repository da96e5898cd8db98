import { toApiAlert } from '../../domain/monitoring/alert.ts';
import { PayloadTooLargeError, ValidationError } from '../../errors.ts';
import { ALERT_MEMO_MAX_BYTES, alertMemoSchema, closeAlertSchema } from '../../schemas/alerts.ts';
import { parseMonitorBody } from '../../schemas/monitors.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  getAlert,
  listAlertLogs,
  listAlerts,
  pageLimit,
  setAlertMemo,
} from '../../use-cases/monitoring/alerts.ts';
import { closeAlertManually, closeMonitorAlerts } from '../../use-cases/monitoring/close-alerts.ts';
import { monitoredStatuses } from '../../use-cases/monitoring/monitored-statuses.ts';
import {
  createMonitor,
  deleteMonitor,
  getCheckMonitor,
  getMonitor,
  listCheckMonitors,
  listMonitors,
  updateMonitor,
} from '../../use-cases/monitoring/monitors.ts';
import { roleAnomalies } from '../../use-cases/monitoring/role-anomalies.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

/** `nextId` cursors are ids: the same characters ids have, nothing a key could be built from. */
function cursor(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9]{1,64}$/.test(raw)) throw new ValidationError('Invalid nextId.');
  return raw;
}

export const monitorOperations = {
  roleAnomalies: async (req, deps) =>
    json({
      anomalyDetection: await roleAnomalies(
        deps,
        req.orgId,
        param(req, 'serviceName'),
        param(req, 'roleName'),
      ),
    }),
  listMonitors: async (_req, deps) => json({ monitors: await listMonitors(deps, _req.orgId) }),
  createMonitor: async (req, deps) =>
    json(await createMonitor(deps, req.orgId, parseMonitorBody(req.body()))),
  getMonitor: async (req, deps) =>
    json({ monitor: await getMonitor(deps, req.orgId, param(req, 'monitorId')) }),
  updateMonitor: async (req, deps) =>
    json(await updateMonitor(deps, req.orgId, param(req, 'monitorId'), parseMonitorBody(req.body()))),
  /** Deleting a monitor closes its alerts (composed here: two use cases, one effect each). */
  deleteMonitor: async (req, deps) => {
    const deleted = await deleteMonitor(deps, req.orgId, param(req, 'monitorId'));
    await closeMonitorAlerts(deps, req.orgId, deleted.id);
    return json(deleted);
  },

  listCheckMonitors: async (req, deps) => {
    const limit = pageLimit(req.query.get('limit'));
    const after = cursor(req.query.get('nextId'));
    const all = (await listCheckMonitors(deps, req.orgId)).filter((c) => after === undefined || c.id > after);
    const page = all.slice(0, limit);
    const last = page[page.length - 1];
    return json({
      checks: page.map(({ id, name }) => ({ id, name })),
      ...(all.length > limit && last && { nextId: last.id }),
    });
  },
  getCheckMonitor: async (req, deps) => {
    const { id, name } = await getCheckMonitor(deps, req.orgId, param(req, 'monitorId'));
    return json({ check: { id, name } });
  },
  listMonitoredStatuses: async (req, deps) =>
    json({ monitoredStatuses: await monitoredStatuses(deps, req.orgId, param(req, 'hostId')) }),

  listAlerts: async (req, deps) => {
    const page = await listAlerts(deps, req.orgId, {
      withClosed: req.query.get('withClosed') === 'true',
      limit: pageLimit(req.query.get('limit')),
      ...(cursor(req.query.get('nextId')) && { nextId: cursor(req.query.get('nextId')) }),
    });
    return json({ alerts: page.items.map(toApiAlert), ...(page.nextId && { nextId: page.nextId }) });
  },
  getAlert: async (req, deps) => json(toApiAlert(await getAlert(deps, req.orgId, param(req, 'alertId')))),
  updateAlert: async (req, deps) => {
    const { memo } = parseBody(alertMemoSchema, req.body());
    if (Buffer.byteLength(memo) > ALERT_MEMO_MAX_BYTES)
      throw new PayloadTooLargeError('The memo must be 80KB or less.');
    await setAlertMemo(deps, req.orgId, param(req, 'alertId'), memo);
    return json({ id: param(req, 'alertId'), memo });
  },
  closeAlert: async (req, deps) => {
    const { reason } = parseBody(closeAlertSchema, req.body());
    return json(toApiAlert(await closeAlertManually(deps, req.orgId, param(req, 'alertId'), reason)));
  },
  listAlertLogs: async (req, deps) => {
    const page = await listAlertLogs(
      deps,
      req.orgId,
      param(req, 'alertId'),
      pageLimit(req.query.get('limit')),
      cursor(req.query.get('nextId')),
    );
    return json({ logs: page.items, ...(page.nextId && { nextId: page.nextId }) });
  },
} satisfies Record<string, Operation>;
