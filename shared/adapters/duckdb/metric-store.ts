import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  UBIGINT,
  UINTEGER,
} from '@duckdb/node-api';
import {
  bucketOf,
  coveredSpan,
  type LatestValues,
  type MetricOwner,
  type MetricPoint,
  type NamedPoint,
} from '../../domain/metrics.ts';
import type { MetricStore } from '../../ports/metric-store.ts';
import { DerivedState } from './derived-state.ts';
import { GroupCommit } from './group-commit.ts';
import { encodeBatch, PointLog } from './point-log.ts';
import { BUCKET_READ, COMPACT, HOURLY_READ, LATEST_ALL, RAW_READ, SCHEMA } from './schema.ts';
import { SeriesIndex, type SeriesRow } from './series-index.ts';

interface Row {
  series: SeriesRow;
  time: number;
  value: number;
}
type Work =
  | { kind: 'write'; rows: Row[]; created: SeriesRow[]; org: string; hostId?: string; at: number }
  | { kind: 'job'; run: () => Promise<void> };

/** What is in the log but not yet in DuckDB. */
interface Pending {
  created: SeriesRow[];
  unhidden: SeriesRow[];
  rows: Row[];
}

/** DuckDB takes the logged points at least this often, and at once past this many. */
const FLUSH_MS = 1000;
const FLUSH_ROWS = 100_000;

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Columns [series[], time[], value[]] → points grouped by series id (columnar reads convert 3–5× faster). */
function groupBySeries([series = [], times = [], values = []]: unknown[][]): Map<number, MetricPoint[]> {
  const out = new Map<number, MetricPoint[]>();
  for (let i = 0; i < series.length; i++) {
    const id = Number(series[i]);
    const list = out.get(id) ?? [];
    if (list.length === 0) out.set(id, list);
    list.push({ time: Number(times[i]), value: Number(values[i]) });
  }
  return out;
}

/**
 * DuckDB on disk (local mode). Writes go through a group commit: concurrent posts share one append
 * to the point log (point-log.ts: one write and one fdatasync) and each resolves once its points
 * are on disk there. DuckDB takes the logged points in large batches, off the posts' path, every
 * second (a DuckDB commit costs milliseconds of CPU whatever its size): reads merge the points not
 * yet taken (raw reads) or wait for them to be (aggregated reads, jobs). Latest values, names and
 * heartbeats are derived state kept in memory, rebuilt from the tables and the log at open.
 * `:memory:` stores keep no log and commit each group to DuckDB.
 */
export class DuckDbMetricStore implements MetricStore {
  readonly #series = new SeriesIndex();
  readonly #derived = new DerivedState();
  readonly #writer: DuckDBConnection;
  readonly #reader: DuckDBConnection;
  readonly #instance: DuckDBInstance;
  readonly #commits: GroupCommit<Work>;
  /** Kept open across commits: each commit flushes it inside its transaction. */
  #appender: DuckDBAppender | undefined;
  /** Arrival order of rows in `recent`: the largest wins a (series, time). */
  #seq = 1n;
  /** Series rows whose INSERT was rolled back: the next commit writes them again. */
  #unpersisted: SeriesRow[] = [];
  readonly #log: PointLog | undefined;
  /** Logged, not yet in DuckDB; the points also by series id, for the reads that merge them. */
  #pending: Pending = { created: [], unhidden: [], rows: [] };
  #pendingBySeries = new Map<number, Row[]>();
  /** Log segments closed and not yet removed (their DuckDB commit failed, or is running). */
  #closedSegments: number[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushQueued = false;
  /** New series of a group whose log append failed: the next group logs them. */
  #unlogged: SeriesRow[] = [];

  private constructor(
    instance: DuckDBInstance,
    writer: DuckDBConnection,
    reader: DuckDBConnection,
    log: PointLog | undefined,
  ) {
    this.#instance = instance;
    this.#writer = writer;
    this.#reader = reader;
    this.#log = log;
    this.#commits = new GroupCommit<Work>((work) => this.#commit(work));
  }

  /** Opens (or creates) the database file; `:memory:` for a throwaway store. */
  static async open(path: string): Promise<DuckDbMetricStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    const writer = await instance.connect();
    // Checkpoints run inside a commit: at the default 16 MB of WAL one lands every few seconds under
    // load and stalls every post waiting on it. Fewer, larger ones keep p99 flat.
    await writer.run("SET checkpoint_threshold = '256MB'");
    const logged = path === ':memory:' ? undefined : PointLog.open(path);
    const store = new DuckDbMetricStore(instance, writer, await instance.connect(), logged?.log);
    await store.#load();
    if (logged && logged.left.segments.length > 0) await store.#replay(logged.left);
    return store;
  }

  /** What a crash left in the log: its series and points go to DuckDB before anything else. */
  async #replay(left: ReturnType<typeof PointLog.open>['left']): Promise<void> {
    const known = this.#series.byId();
    const created = left.batch.created.filter((s) => !known.has(s.id));
    this.#series.load(created);
    const byId = this.#series.byId();
    const unhidden = left.batch.unhidden.map((id) => byId.get(id)).filter((s) => s !== undefined);
    for (const s of unhidden) s.hidden = false;
    const rows: Row[] = [];
    for (const r of left.batch.rows) {
      const series = byId.get(r.series);
      if (!series) continue;
      rows.push({ series, time: r.time, value: r.value });
      this.#derived.offer(series.id, { time: r.time, value: r.value });
      if (series.kind === 'host') this.#derived.markSeen(series.org, series.owner, r.time);
    }
    await this.#insert({ created, unhidden, rows });
    this.#log?.remove(left.segments);
  }

  async #load(): Promise<void> {
    for (const ddl of SCHEMA) await this.#writer.run(ddl);
    const maxSeq = (
      await this.#writer.runAndReadAll('SELECT coalesce(max(seq), 0) FROM recent')
    ).getRowsJS()[0]?.[0];
    this.#seq = BigInt((maxSeq as bigint | number | undefined) ?? 0) + 1n;
    const series = await this.#writer.runAndReadAll('SELECT id, org, kind, owner, name, hidden FROM series');
    this.#series.load(series.getRowObjectsJS() as unknown as SeriesRow[]);
    const byId = this.#series.byId();
    for (const [id, time, value] of (await this.#writer.runAndReadAll(LATEST_ALL)).getRowsJS()) {
      const row = byId.get(Number(id));
      if (!row) continue;
      this.#derived.offer(row.id, { time: Number(time), value: Number(value) });
      if (row.kind === 'host') this.#derived.markSeen(row.org, row.owner, Number(time));
    }
  }

  write(
    orgId: string,
    owner: MetricOwner,
    points: NamedPoint[],
    arrivedAt: number,
    heartbeat = true,
  ): Promise<void> {
    const { rows: series, created } = this.#series.ensureAll(
      orgId,
      owner,
      points.map((p) => p.name),
    );
    const rows = points.map((p, i) => ({ series: series[i] as SeriesRow, time: p.time, value: p.value }));
    return this.#commits.submit({
      kind: 'write',
      rows,
      created,
      org: orgId,
      ...(owner.kind === 'host' && heartbeat && { hostId: owner.id }),
      at: arrivedAt,
    });
  }

  async #commit(work: Work[]): Promise<void> {
    const writes = work.filter((w) => w.kind === 'write');
    if (writes.length > 0) await this.#commitWrites(writes);
    const jobs = work.filter((w) => w.kind === 'job');
    // Every job (a flush, compaction, hiding names, closing) sees all logged points in DuckDB.
    if (jobs.length > 0) await this.#flush();
    for (const w of jobs) await w.run();
  }

  /** The points of a group: to the log, or (no log) straight to DuckDB; then the derived state. */
  async #commitWrites(writes: Extract<Work, { kind: 'write' }>[]): Promise<void> {
    const created = [...this.#unlogged, ...writes.flatMap((w) => w.created)];
    this.#unlogged = [];
    const unhidden = writes.flatMap((w) => w.rows.filter((r) => r.series.hidden).map((r) => r.series));
    const rows = writes.flatMap((w) => w.rows);
    if (this.#log) {
      try {
        await this.#log.append(encodeBatch({ created, unhidden: unhidden.map((s) => s.id), rows }));
      } catch (err) {
        this.#unlogged = created;
        throw err;
      }
      this.#pending.created.push(...created);
      this.#pending.unhidden.push(...unhidden);
      for (const r of rows) {
        this.#pending.rows.push(r);
        const list = this.#pendingBySeries.get(r.series.id);
        if (list) list.push(r);
        else this.#pendingBySeries.set(r.series.id, [r]);
      }
      this.#scheduleFlush();
    } else await this.#insert({ created, unhidden, rows });
    for (const w of writes) {
      for (const r of w.rows) {
        r.series.hidden = false;
        this.#derived.offer(r.series.id, { time: r.time, value: r.value });
      }
      if (w.hostId) this.#derived.markSeen(w.org, w.hostId, w.at);
    }
  }

  /** A flush soon: at once past FLUSH_ROWS, else within FLUSH_MS (one queued at a time). */
  #scheduleFlush(): void {
    if (this.#flushQueued) return;
    const queue = () => {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      this.#flushQueued = true;
      // A failed flush leaves the points pending and logged; the next one takes them.
      void this.#commits
        .submit({ kind: 'job', run: async () => {} })
        .catch(() => {})
        .finally(() => {
          this.#flushQueued = false;
          if (this.#pending.rows.length > 0) this.#scheduleFlush();
        });
    };
    if (this.#pending.rows.length >= FLUSH_ROWS) queue();
    else this.#flushTimer ??= setTimeout(queue, FLUSH_MS).unref();
  }

  /** Moves every logged point into DuckDB in one transaction, then drops the log segments it covered. */
  async #flush(): Promise<void> {
    if (!this.#log || (this.#pending.rows.length === 0 && this.#pending.created.length === 0)) return;
    this.#closedSegments.push(await this.#log.rotate());
    const taken = this.#pending;
    this.#pending = { created: [], unhidden: [], rows: [] };
    const bySeries = this.#pendingBySeries;
    this.#pendingBySeries = new Map();
    try {
      await this.#insert(taken);
    } catch (err) {
      // Back in front of what arrived since, in order (the new series #insert keeps itself).
      this.#pending = {
        created: this.#pending.created,
        unhidden: [...taken.unhidden, ...this.#pending.unhidden],
        rows: [...taken.rows, ...this.#pending.rows],
      };
      for (const [id, list] of this.#pendingBySeries)
        bySeries.set(id, [...(bySeries.get(id) ?? []), ...list]);
      this.#pendingBySeries = bySeries;
      throw err;
    }
    this.#log.remove(this.#closedSegments);
    this.#closedSegments = [];
  }

  /** One DuckDB transaction: new series, series shown again, points. */
  async #insert(batch: Pending): Promise<void> {
    const conn = this.#writer;
    const created = [...this.#unpersisted, ...batch.created];
    this.#unpersisted = [];
    const unhide = batch.unhidden;
    await conn.run('BEGIN TRANSACTION');
    try {
      if (created.length > 0) {
        const values = created.map(
          (s) =>
            `(${s.id}, ${sqlString(s.org)}, ${sqlString(s.kind)}, ${sqlString(s.owner)}, ${sqlString(s.name)}, false)`,
        );
        await conn.run(`INSERT INTO series VALUES ${values.join(',')}`);
      }
      if (unhide.length > 0) {
        await conn.run(`UPDATE series SET hidden = false WHERE id IN (${unhide.map((s) => s.id).join(',')})`);
      }
      this.#appender ??= await conn.createAppender('recent');
      for (const chunk of this.#chunks(batch.rows)) this.#appender.appendDataChunk(chunk);
      this.#appender.flushSync();
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => {});
      this.#appender?.clear();
      this.#unpersisted.push(...created);
      throw err;
    }
  }

  /** Rows as columnar data chunks (one copy per column, not one call per value). */
  *#chunks(rows: Row[]): Generator<DuckDBDataChunk> {
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const part = rows.slice(i, i + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create([INTEGER, UINTEGER, DOUBLE, UBIGINT], part.length);
      chunk.setColumns([
        part.map((r) => r.series.id),
        part.map((r) => r.time),
        part.map((r) => r.value),
        part.map(() => this.#seq++),
      ]);
      yield chunk;
    }
  }

  async rangeMany(
    orgId: string,
    owners: MetricOwner[],
    name: string,
    from: number,
    to: number,
    step: number,
  ) {
    const ids = new Map<number, string>();
    for (const owner of owners) {
      const row = this.#series.find(orgId, owner, name);
      if (row) ids.set(row.id, owner.id);
    }
    const result: Record<string, MetricPoint[]> = Object.fromEntries(owners.map((o) => [o.id, []]));
    if (ids.size === 0) return result;
    const [a, b] = coveredSpan(from, to, step);
    const pending = [...ids.keys()].some((id) => this.#pendingBySeries.has(id));
    // Aggregates over points DuckDB has not taken yet: let it take them first.
    if (pending && step > 60) await this.#commits.submit({ kind: 'job', run: async () => {} });
    const sql = (step <= 60 ? RAW_READ : step % 3600 === 0 ? HOURLY_READ : BUCKET_READ).replaceAll(
      '{ids}',
      [...ids.keys()].join(','),
    );
    const params = step <= 60 ? [a, b] : [a, b, step];
    const columns = (await this.#reader.runAndReadAll(sql, params)).getColumnsJS();
    const bySeries = groupBySeries(columns);
    if (step <= 60) this.#mergePending(bySeries, ids.keys(), a, b);
    for (const [id, points] of bySeries) {
      const owner = ids.get(id);
      if (owner !== undefined) result[owner] = points;
    }
    return result;
  }

  /** Raw reads: the logged points DuckDB has not taken yet replace its value at their time (they arrived later). */
  #mergePending(bySeries: Map<number, MetricPoint[]>, ids: Iterable<number>, from: number, to: number): void {
    for (const id of ids) {
      const logged = this.#pendingBySeries.get(id)?.filter((r) => r.time >= from && r.time <= to);
      if (!logged || logged.length === 0) continue;
      const byTime = new Map<number, number>();
      for (const p of bySeries.get(id) ?? []) byTime.set(p.time, p.value);
      for (const r of logged) byTime.set(r.time, r.value);
      bySeries.set(
        id,
        [...byTime].sort((x, y) => x[0] - y[0]).map(([time, value]) => ({ time, value })),
      );
    }
  }

  async range(orgId: string, owner: MetricOwner, name: string, from: number, to: number, step: number) {
    return (await this.rangeMany(orgId, [owner], name, from, to, step))[owner.id] ?? [];
  }

  async latest(orgId: string, hostIds: string[], names: string[]): Promise<LatestValues> {
    const out: LatestValues = {};
    for (const hostId of hostIds) {
      const values: Record<string, MetricPoint | null> = {};
      for (const name of names) {
        const row = this.#series.find(orgId, { kind: 'host', id: hostId }, name);
        values[name] = (row && this.#derived.latest(row.id)) ?? null;
      }
      out[hostId] = values;
    }
    return out;
  }

  async names(orgId: string, owner: MetricOwner): Promise<string[]> {
    return this.#series
      .ofOwner(orgId, owner)
      .filter((s) => !s.hidden)
      .map((s) => s.name)
      .sort();
  }

  forgetNames(orgId: string, owner: MetricOwner, names: string[]): Promise<void> {
    const rows = names
      .map((n) => this.#series.find(orgId, owner, n))
      .filter((r): r is SeriesRow => r !== undefined);
    if (rows.length === 0) return Promise.resolve();
    const job = async () => {
      await this.#writer.run(
        `UPDATE series SET hidden = true WHERE id IN (${rows.map((r) => r.id).join(',')})`,
      );
      for (const r of rows) r.hidden = true;
    };
    return this.#commits.submit({ kind: 'job', run: job });
  }

  async lastSeen(orgId: string): Promise<Record<string, number>> {
    return this.#derived.lastSeen(orgId);
  }

  /**
   * Moves every hour older than `now - 26 h` (final: posts older than 24 h are dropped) from
   * `recent` to `archive` and `hourly`, and drops what is older than the retention.
   */
  compact(now: number, retentionDays: number): Promise<void> {
    const cutoff = bucketOf(now - 26 * 3600, 3600);
    const expired = now - retentionDays * 86400;
    return this.#commits.submit({
      kind: 'job',
      run: async () => {
        await this.#writer.run('BEGIN TRANSACTION');
        try {
          for (const sql of COMPACT) await this.#writer.run(sql, [cutoff]);
          await this.#writer.run('DELETE FROM archive WHERE time < $1', [expired]);
          await this.#writer.run('DELETE FROM hourly WHERE hour < $1', [expired]);
          await this.#writer.run('COMMIT');
        } catch (err) {
          await this.#writer.run('ROLLBACK').catch(() => {});
          throw err;
        }
      },
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    await this.#commits.submit({ kind: 'job', run: async () => {} });
    await this.#log?.close();
    this.#appender?.closeSync();
    this.#writer.closeSync();
    this.#reader.closeSync();
    this.#instance.closeSync();
  }
}
