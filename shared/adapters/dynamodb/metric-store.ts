import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimited } from '../../concurrency.ts';
import { type Clock, epochSeconds } from '../../domain/clock.ts';
import type { LatestValues, MetricOwner, NamedPoint } from '../../domain/metrics.ts';
import type { MetricStore } from '../../ports/metric-store.ts';
import type { RoleSeries } from '../../ports/role-series.ts';
import { Arrivals, HEARTBEAT_MINUTES } from './metric-arrivals.ts';
import { compactShard } from './metric-compaction.ts';
import { MetricNames } from './metric-names.ts';
import { pulseLastSeen, pulsesOf } from './metric-pulse.ts';
import { newestMinute, readLatest, readSeries } from './metric-reads.ts';
import { writeMinuteItems } from './metric-writes.ts';
import { dynamoRoleSeries } from './role-series.ts';
import { inParallel, type Table, type TableOptions } from './table.ts';

/** Metrics in DynamoDB (the AWS default); the layout is described in metric-keys.ts. */
/** How many series reads one call keeps in flight (the SDK's sockets default to 50). */
const READ_CONCURRENCY = 32;

export class DynamoMetricStore implements MetricStore {
  readonly #table: Table;
  /** Where day items live: the archive table, or the metric table itself. */
  readonly #archive: Table;
  readonly #names: MetricNames;
  readonly #arrivals: Arrivals;
  readonly #clock: Clock;
  readonly retentionDays: number;
  readonly roleSeries: RoleSeries;

  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    clock: Clock,
    retentionDays: number,
    options: TableOptions = {},
  ) {
    const { archiveTableName, ...tableOptions } = options;
    this.#table = { doc, name: tableName, ...tableOptions };
    this.#archive = archiveTableName ? { ...this.#table, name: archiveTableName } : this.#table;
    this.#names = new MetricNames(this.#table, retentionDays);
    this.#arrivals = new Arrivals(this.#table, this.#names, HEARTBEAT_MINUTES);
    this.#clock = clock;
    this.retentionDays = retentionDays;
    this.roleSeries = dynamoRoleSeries(this.#table);
  }

  /** Minute items first, then (when due) the pulse: a heartbeat never claims points that are not stored. */
  async write(
    orgId: string,
    owner: MetricOwner,
    points: NamedPoint[],
    arrivedAt: number,
    heartbeat = true,
  ): Promise<void> {
    if (points.length === 0) return;
    await writeMinuteItems(this.#table, orgId, owner, points);
    await this.#arrivals.record(orgId, owner, points, arrivedAt, heartbeat);
  }

  range(orgId: string, owner: MetricOwner, name: string, from: number, to: number, step: number) {
    return readSeries(
      this.#table,
      this.#archive,
      orgId,
      owner,
      name,
      from,
      to,
      step,
      epochSeconds(this.#clock),
    );
  }

  async rangeMany(
    orgId: string,
    owners: MetricOwner[],
    name: string,
    from: number,
    to: number,
    step: number,
  ) {
    // A bounded number at a time: a role of thousands of hosts must not put thousands of reads in flight.
    const series = await mapLimited(owners, READ_CONCURRENCY, (o) =>
      this.range(orgId, o, name, from, to, step),
    );
    return Object.fromEntries(owners.map((o, i) => [o.id, series[i] ?? []]));
  }

  async latest(orgId: string, hostIds: string[], names: string[]): Promise<LatestValues> {
    const pulses = await pulsesOf(
      this.#table,
      orgId,
      hostIds.map((id) => ({ kind: 'host', id })),
    );
    const values = await mapLimited(hostIds, READ_CONCURRENCY, async (id) => {
      const newest = pulses.get(id)?.lt;
      return typeof newest === 'number'
        ? readLatest(this.#table, orgId, { kind: 'host', id }, newest, names, (HEARTBEAT_MINUTES + 2) * 60)
        : Object.fromEntries(names.map((n) => [n, null]));
    });
    return Object.fromEntries(hostIds.map((id, i) => [id, values[i] ?? {}]));
  }

  names(orgId: string, owner: MetricOwner): Promise<string[]> {
    return this.#names.list(orgId, owner, epochSeconds(this.#clock));
  }

  forgetNames(orgId: string, owner: MetricOwner, names: string[]): Promise<void> {
    return this.#names.forget(orgId, owner, names);
  }

  /** Pulses (32 shard Queries), then one Query of the newest minute item for each host that looks silent. */
  async lastSeen(orgId: string, confirmBefore?: number): Promise<Record<string, number>> {
    const seen = await pulseLastSeen(this.#table, orgId);
    if (confirmBefore === undefined) return seen;
    const now = epochSeconds(this.#clock);
    const suspects = Object.entries(seen).filter(([, at]) => at < confirmBefore);
    const newest = await inParallel(
      suspects.map(
        ([id, at]) =>
          () =>
            newestMinute(this.#table, orgId, { kind: 'host', id }, at, now),
      ),
    );
    suspects.forEach(([id, at], i) => {
      seen[id] = Math.max(at, newest[i] ?? 0);
    });
    return seen;
  }

  compactShard(orgId: string, shard: number, now: number): Promise<number> {
    return compactShard(this.#table, this.#archive, orgId, shard, now, this.retentionDays);
  }
}
