import type { LatestValues, MetricOwner, MetricPoint, NamedPoint } from '../domain/metrics.ts';
import type { RoleSeries } from './role-series.ts';

/**
 * Metric storage. Writes are idempotent per (owner, name, time), last write wins, and resolve only
 * once the points are durable. Every adapter passes the same contract suite (test/contract).
 */
export interface MetricStore {
  /**
   * Stores one owner's points; `arrivedAt` (epoch s) is the heartbeat a silent-agent check reads,
   * unless `heartbeat` is false: points a cloud integration read from CloudWatch say nothing of the agent.
   */
  write(
    orgId: string,
    owner: MetricOwner,
    points: NamedPoint[],
    arrivedAt: number,
    heartbeat?: boolean,
  ): Promise<void>;
  /** Points of one series in [from, to], oldest first, averaged into `step`-second buckets when step > 60. */
  range(
    orgId: string,
    owner: MetricOwner,
    name: string,
    from: number,
    to: number,
    step: number,
  ): Promise<MetricPoint[]>;
  /** The same read for many owners at once (a role graph), keyed by owner id. */
  rangeMany(
    orgId: string,
    owners: MetricOwner[],
    name: string,
    from: number,
    to: number,
    step: number,
  ): Promise<Record<string, MetricPoint[]>>;
  /** Newest point of each name for each host. */
  latest(orgId: string, hostIds: string[], names: string[]): Promise<LatestValues>;
  /** Names ever posted for the owner (less those forgotten), sorted. */
  names(orgId: string, owner: MetricOwner): Promise<string[]>;
  /** Hides names from `names` until they are posted again (service graph-def deletion). */
  forgetNames(orgId: string, owner: MetricOwner, names: string[]): Promise<void>;
  /**
   * When each host of the organization last posted (epoch s). A store may keep heartbeats coarse,
   * but any host it would answer with a time before `confirmBefore` it confirms from the stored
   * points first, so a silence the checker acts on is real.
   */
  lastSeen(orgId: string, confirmBefore?: number): Promise<Record<string, number>>;
  /** Present when a role's series cost one read per member host here (DynamoDB): see RoleSeries. */
  readonly roleSeries?: RoleSeries;
  close?(): Promise<void>;
}
