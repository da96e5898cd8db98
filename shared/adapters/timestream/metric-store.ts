import {
  type ColumnInfo,
  QueryCommand,
  type Row,
  type TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import {
  RejectedRecordsException,
  type TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import {
  coveredSpan,
  type LatestValues,
  type MetricOwner,
  type MetricPoint,
  type NamedPoint,
} from '../../domain/metrics.ts';
import type { MetricStore } from '../../ports/metric-store.ts';
import { Arrivals } from '../dynamodb/metric-arrivals.ts';
import { MetricNames } from '../dynamodb/metric-names.ts';
import { pulseLastSeen, pulsesOf } from '../dynamodb/metric-pulse.ts';
import type { Table } from '../dynamodb/table.ts';
import { latestQuery, rangeQuery, type TimestreamTable } from './queries.ts';
import { RECORDS_PER_CALL, toRecords } from './records.ts';

export class MetricWriteRejectedError extends Error {}

type Cell = string | null;

/** Runs a query through every page; rows come back as column-name → scalar string (or null). */
async function queryAll(client: TimestreamQueryClient, sql: string): Promise<Record<string, Cell>[]> {
  const rows: Record<string, Cell>[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new QueryCommand({ QueryString: sql, NextToken: token }));
    const columns: ColumnInfo[] = page.ColumnInfo ?? [];
    for (const row of page.Rows ?? ([] as Row[])) {
      rows.push(
        Object.fromEntries(
          columns.map((c, i) => [
            c.Name ?? `${i}`,
            row.Data?.[i]?.NullValue ? null : (row.Data?.[i]?.ScalarValue ?? null),
          ]),
        ),
      );
    }
    token = page.NextToken;
  } while (token);
  return rows;
}

/**
 * Timestream for LiveAnalytics (opt-in, for accounts that have it). Points go to Timestream as
 * multi-measure records; heartbeats, newest times and names go to pulse items in the entity table.
 */
export class TimestreamMetricStore implements MetricStore {
  readonly #write: TimestreamWriteClient;
  readonly #query: TimestreamQueryClient;
  readonly #target: TimestreamTable;
  readonly #pulses: Table;
  readonly #names: MetricNames;
  readonly #arrivals: Arrivals;
  readonly #versionMs: () => number;
  readonly #now: () => number;

  constructor(opts: {
    write: TimestreamWriteClient;
    query: TimestreamQueryClient;
    target: TimestreamTable;
    pulses: Table;
    versionMs?: () => number;
    /** How long a name not posted again stays listed (default: 460 days, Mackerel's retention). */
    namesRetentionDays?: number;
  }) {
    this.#write = opts.write;
    this.#query = opts.query;
    this.#target = opts.target;
    this.#pulses = opts.pulses;
    this.#versionMs = opts.versionMs ?? Date.now;
    this.#names = new MetricNames(opts.pulses, opts.namesRetentionDays ?? 460);
    // Every post is a heartbeat here: lastSeen has no minute items to confirm a silence from.
    this.#arrivals = new Arrivals(opts.pulses, this.#names, 1);
    this.#now = () => Math.floor(this.#versionMs() / 1000);
  }

  /** ≤100 records per call, in parallel; rejected records fail the write with their reasons. */
  async write(
    orgId: string,
    owner: MetricOwner,
    points: NamedPoint[],
    arrivedAt: number,
    heartbeat = true,
  ): Promise<void> {
    if (points.length === 0) return;
    const records = toRecords(orgId, owner, points, this.#versionMs());
    const calls = [];
    for (let i = 0; i < records.length; i += RECORDS_PER_CALL) {
      const Records = records.slice(i, i + RECORDS_PER_CALL);
      calls.push(
        this.#write
          .send(
            new WriteRecordsCommand({
              DatabaseName: this.#target.database,
              TableName: this.#target.table,
              Records,
            }),
          )
          .catch((err: unknown) => {
            if (!(err instanceof RejectedRecordsException)) throw err;
            const reasons = (err.RejectedRecords ?? []).map(
              (r) => `#${(r.RecordIndex ?? 0) + i}: ${r.Reason}`,
            );
            throw new MetricWriteRejectedError(
              `Timestream rejected ${reasons.length} record(s): ${reasons.join('; ')}`,
            );
          }),
      );
    }
    await Promise.all(calls);
    await this.#arrivals.record(orgId, owner, points, arrivedAt, heartbeat);
  }

  /** Only owners that ever posted the name are queried: Timestream refuses a query naming an unknown measure. */
  async rangeMany(
    orgId: string,
    owners: MetricOwner[],
    name: string,
    from: number,
    to: number,
    step: number,
  ) {
    const result: Record<string, MetricPoint[]> = Object.fromEntries(owners.map((o) => [o.id, []]));
    const postedBy = await this.#names.postedBy(orgId, owners, name, this.#now());
    const posted = owners.filter((o) => postedBy.has(`${o.kind}#${o.id}`));
    if (posted.length === 0) return result;
    const [a, b] = coveredSpan(from, to, step);
    const rows = await queryAll(this.#query, rangeQuery(this.#target, orgId, posted, name, a, b, step));
    for (const row of rows) {
      if (row.owner == null || row.t == null || row.v == null) continue;
      result[row.owner]?.push({ time: Math.floor(Number(row.t)), value: Number(row.v) });
    }
    return result;
  }

  async range(orgId: string, owner: MetricOwner, name: string, from: number, to: number, step: number) {
    return (await this.rangeMany(orgId, [owner], name, from, to, step))[owner.id] ?? [];
  }

  async latest(orgId: string, hostIds: string[], names: string[]): Promise<LatestValues> {
    const out: LatestValues = Object.fromEntries(
      hostIds.map((id) => [id, Object.fromEntries(names.map((n) => [n, null]))]),
    );
    const pulses = await pulsesOf(
      this.#pulses,
      orgId,
      hostIds.map((id) => ({ kind: 'host', id })),
    );
    const newest = [...pulses.values()].map((p) => Number(p.lt));
    const live = hostIds.filter((id) => pulses.has(id));
    const known = await this.#names.known(orgId, this.#now());
    const asked = names.filter((n) => known.has(n));
    if (live.length === 0 || asked.length === 0) return out;
    const sql = latestQuery(this.#target, orgId, live, asked, Math.min(...newest) - 900, Math.max(...newest));
    for (const row of await queryAll(this.#query, sql)) {
      const values = row.owner == null ? undefined : out[row.owner];
      if (!values || row.t == null) continue;
      for (const n of asked) {
        const v = row[n];
        if (values[n] === null && v != null)
          values[n] = { time: Math.floor(Number(row.t)), value: Number(v) };
      }
    }
    return out;
  }

  names(orgId: string, owner: MetricOwner) {
    return this.#names.list(orgId, owner, this.#now());
  }

  forgetNames(orgId: string, owner: MetricOwner, names: string[]) {
    return this.#names.forget(orgId, owner, names);
  }

  lastSeen(orgId: string) {
    return pulseLastSeen(this.#pulses, orgId);
  }
}
