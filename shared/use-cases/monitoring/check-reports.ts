import { epochSeconds } from '../../domain/clock.ts';
import type { HostSummary } from '../../domain/host.ts';
import { timeOrderedId } from '../../domain/monitoring/alert.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { CheckReport } from '../../schemas/checks.ts';
import { applyEvaluations, type Evaluation } from './alert-engine.ts';

/** Reports this old when posted are ignored (Mackerel: ≥ 6 h). */
export const CHECK_REPORT_MAX_AGE = 6 * 3600;
/** Mackerel raises a notificationInterval under 10 minutes to 10. */
const MIN_INTERVAL = 10;

export interface CheckReportResult {
  applied: number;
  ignored: number;
}

/**
 * `POST /api/v0/monitoring/checks/report`. Primary course: every host named must be a live host of
 * the organization (else 404, nothing applied); reports older than 6 h, and repeats of a
 * (host, name, occurredAt) already taken, are ignored; a name never seen makes its check monitor;
 * each report is applied in `occurredAt` order to its (check, host) alert state.
 */
export async function reportChecks(
  deps: Deps,
  orgId: string,
  reports: CheckReport[],
): Promise<CheckReportResult> {
  if (reports.length === 0) return { applied: 0, ignored: 0 };
  const hostIds = [...new Set(reports.map((r) => r.source.hostId))];
  const hosts = new Map<string, HostSummary>(
    (await deps.entities.hosts.getMany(orgId, hostIds)).filter((h) => !h.isRetired).map((h) => [h.id, h]),
  );
  const unknown = hostIds.find((id) => !hosts.has(id));
  if (unknown !== undefined) throw new NotFoundError(`Host Not Found: ${unknown}`);

  const now = epochSeconds(deps.clock);
  const fresh = reports.filter((r) => r.occurredAt > now - CHECK_REPORT_MAX_AGE);
  const checkIds = new Map<string, string>();
  for (const name of new Set(fresh.map((r) => r.name)))
    checkIds.set(
      name,
      await deps.entities.monitors.ensureCheck(orgId, name, timeOrderedId(deps.clock.now())),
    );

  const evaluations: Evaluation[] = [];
  for (const r of [...fresh].sort((a, b) => a.occurredAt - b.occurredAt)) {
    const host = hosts.get(r.source.hostId) as HostSummary;
    if (host.status === 'maintenance' || host.status === 'poweroff') continue;
    const monitorId = checkIds.get(r.name) as string;
    evaluations.push({
      monitor: { type: 'check', id: monitorId, name: r.name },
      target: { monitorId, hostId: host.id },
      observation: { status: r.status, message: r.message ?? '', occurredAt: r.occurredAt },
      alertType: 'check',
      maxCheckAttempts: r.maxCheckAttempts || 1,
      ...(r.notificationInterval && { notificationInterval: Math.max(MIN_INTERVAL, r.notificationInterval) }),
      host,
    });
  }
  await applyEvaluations(deps, orgId, evaluations);
  return { applied: evaluations.length, ignored: reports.length - evaluations.length };
}
