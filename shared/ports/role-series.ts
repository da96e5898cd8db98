import type { MetricPoint, NamedPoint } from '../domain/metrics.ts';

/** One role's share of a post: the points of the metrics a `role()` expression watches there. */
export interface RolePoints {
  /** The role's fullname, `service:role`. */
  role: string;
  points: NamedPoint[];
}

/**
 * The newest minutes of the host metrics that `role()` expressions name, kept together per role and
 * minute so the checker reads a whole role in a few requests instead of one series per member host.
 * Written on ingest for watched (role, metric) pairs only; kept a day. Stores whose range reads are
 * already one request for many hosts (DuckDB, Timestream) keep none.
 */
export interface RoleSeries {
  record(orgId: string, hostId: string, roles: RolePoints[]): Promise<void>;
  /** Each member host's points of `metric` in [from, to], at their minute, keyed by host id. */
  read(
    orgId: string,
    role: string,
    metric: string,
    from: number,
    to: number,
  ): Promise<Map<string, MetricPoint[]>>;
}
