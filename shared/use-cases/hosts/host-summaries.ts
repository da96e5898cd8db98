import { summaryOf } from '../../domain/host.ts';
import type { EntityDeps } from '../../ports/deps.ts';

/**
 * Writes the summary of every live host that lacks one (hosts saved before summaries existed) and
 * removes those of hosts that are gone or retired. Idempotent; the local runtime runs it at start.
 * On AWS every agent's hourly host update writes its summary too.
 */
export async function reindexHostSummaries(deps: EntityDeps, orgId: string): Promise<number> {
  const [hosts, summaries] = await Promise.all([
    deps.entities.hosts.list(orgId),
    deps.entities.hosts.listSummaries(orgId),
  ]);
  const live = new Map(hosts.filter((h) => !h.isRetired).map((h) => [h.id, h]));
  const have = new Set(summaries.map((s) => s.id));
  let changed = 0;
  for (const host of live.values())
    if (!have.has(host.id)) {
      await deps.entities.hosts.putSummary(orgId, summaryOf(host));
      changed++;
    }
  for (const s of summaries)
    if (!live.has(s.id)) {
      await deps.entities.hosts.removeSummary(orgId, s.id);
      changed++;
    }
  return changed;
}
