import { type Host, type HostRoles, summaryOf } from '../../domain/host.ts';
import type { Deps } from '../../ports/deps.ts';

const pairs = (roles: HostRoles, live: boolean): string[] =>
  live ? Object.entries(roles).flatMap(([service, rs]) => rs.map((role) => `${service}\0${role}`)) : [];

/**
 * Writes the host, then its summary (what the checker reads; a change that matters to the ingest
 * caches is marked, see HostCache), then brings the role index in line: every role it now has is (re)written, so a
 * crash between the two writes heals on the host's next save; roles it lost, or all of them when it
 * is retired, are removed. Readers of the index confirm against the host, so a stale entry is harmless.
 */
export async function saveHost(
  deps: Pick<Deps, 'entities' | 'clock'>,
  previous: Host | undefined,
  next: Host,
): Promise<void> {
  await deps.entities.hosts.save(next);
  await (next.isRetired
    ? deps.entities.hosts.removeSummary(next.orgId, next.id)
    : deps.entities.hosts.putSummary(next.orgId, summaryOf(next)));
  // Caches of live hosts (ingest) must drop what a retirement, status, role or name change makes stale.
  const relevant = (h: Host) => JSON.stringify([h.name, h.status, h.isRetired, h.roles]);
  if (previous && relevant(previous) !== relevant(next))
    await deps.entities.hosts.markChanged(next.orgId, deps.clock.now());
  const now = new Set(pairs(next.roles, !next.isRetired));
  const before = previous ? pairs(previous.roles, !previous.isRetired) : [];
  const members = deps.entities.roleMembers;
  await Promise.all([
    ...[...now].map((p) => {
      const [service = '', role = ''] = p.split('\0');
      return members.add(next.orgId, service, role, next.id);
    }),
    ...before
      .filter((p) => !now.has(p))
      .map((p) => {
        const [service = '', role = ''] = p.split('\0');
        return members.remove(next.orgId, service, role, next.id);
      }),
  ]);
}
