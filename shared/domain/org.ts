import type { HostStatus } from './host.ts';

export interface Org {
  id: string;
  name: string;
  displayName: string | null;
  /** Status a newly registered host starts in (Mackerel's org setting). */
  defaultHostStatus: HostStatus;
  /**
   * Hosts silent this many days are retired (and their alerts closed) by the checker; absent, never.
   * For fleets that scale in without retiring their hosts (no cloud integration, no `retire` on stop).
   */
  retireSilentHostsAfterDays?: number;
  /** How many labeled (OpenTelemetry) series the organization may have; absent, the default (10,000). */
  labeledSeriesLimit?: number;
  createdAt: number;
}

/** Organization names are used in keys and shown in the API: keep them slug-like. */
export const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/;
