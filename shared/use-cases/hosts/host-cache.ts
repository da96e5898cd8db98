import type { HostSummary } from '../../domain/host.ts';
import type { EntityDeps } from '../../ports/deps.ts';

interface OrgHosts {
  checkedAt: number;
  changedAt: number;
  hosts: Map<string, { summary: HostSummary; at: number }>;
}

/**
 * Live hosts' summaries as the hot path sees them, per process. An agent posts every minute and
 * its host rarely changes, so a summary is kept up to `keepMs`; what can make one stale (a
 * retirement, a status, role or name change) marks the organization (saveHost), and that mark is
 * read at most every `checkMs`: when it moved, the organization's entries are dropped. So a post
 * costs one small read per host per hour per process instead of one per post, and a retired host is
 * refused within `checkMs`. Only live hosts are kept: a host registered a second ago posts at once.
 * `checkMs` 0 keeps nothing (every call reads).
 */
export class HostCache {
  readonly #orgs = new Map<string, OrgHosts>();
  readonly #checkMs: number;
  readonly #keepMs: number;

  constructor(options: { checkMs?: number; keepMs?: number } = {}) {
    this.#checkMs = options.checkMs ?? 60_000;
    this.#keepMs = options.keepMs ?? (this.#checkMs > 0 ? 3_600_000 : 0);
  }

  async #org(deps: EntityDeps, orgId: string, now: number): Promise<OrgHosts | undefined> {
    if (this.#keepMs === 0) return undefined;
    let org = this.#orgs.get(orgId);
    if (!org) {
      if (this.#orgs.size > 10_000) this.#orgs.clear();
      org = { checkedAt: Number.NEGATIVE_INFINITY, changedAt: 0, hosts: new Map() };
      this.#orgs.set(orgId, org);
    }
    if (now - org.checkedAt >= this.#checkMs) {
      const changedAt = await deps.entities.hosts.changedAt(orgId);
      if (changedAt !== org.changedAt) org.hosts.clear();
      org.changedAt = changedAt;
      org.checkedAt = now;
    }
    return org;
  }

  /** The live (not retired) ones of these hosts, by id; unknown and retired hosts are left out. */
  async live(deps: EntityDeps, orgId: string, hostIds: Iterable<string>): Promise<Map<string, HostSummary>> {
    const now = deps.clock.now();
    const org = await this.#org(deps, orgId, now);
    const out = new Map<string, HostSummary>();
    const missing: string[] = [];
    for (const id of new Set(hostIds)) {
      const held = org?.hosts.get(id);
      if (held && now - held.at < this.#keepMs) out.set(id, held.summary);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    // Summaries first (a few hundred bytes each); the full host only for one without a summary
    // (saved before summaries existed, or retired).
    const found = await deps.entities.hosts.getSummaries(orgId, missing);
    const unsummarized = missing.filter((id) => !found.some((s) => s.id === id));
    if (unsummarized.length > 0) found.push(...(await deps.entities.hosts.getMany(orgId, unsummarized)));
    for (const summary of found) {
      if (summary.isRetired) continue;
      out.set(summary.id, summary);
      if (org) {
        if (org.hosts.size > 200_000) org.hosts.clear();
        org.hosts.set(summary.id, { summary, at: now });
      }
    }
    return out;
  }
}
