import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SeriesRow } from './series-index.ts';

/** What one group commit made durable: new series, series shown again, and points. */
export interface LogBatch {
  created: SeriesRow[];
  unhidden: number[];
  /** Points as [series id, time, value]. */
  rows: { series: number; time: number; value: number }[];
}

const SERIES = 1;
const UNHIDE = 2;
const ROWS = 3;
/** Record header: type (1 byte), payload length (4 bytes). */
const HEADER = 5;
/** A point: series id (u32), time (u32), value (f64). */
const ROW = 16;

function record(type: number, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt8(type, 0);
  header.writeUInt32LE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** One batch as bytes: a record per new series (JSON), one for the shown-again ids, one for the points. */
export function encodeBatch(batch: {
  created: SeriesRow[];
  unhidden: number[];
  rows: readonly { series: { id: number }; time: number; value: number }[];
}): Buffer {
  const parts: Buffer[] = batch.created.map((s) =>
    record(SERIES, Buffer.from(JSON.stringify([s.id, s.org, s.kind, s.owner, s.name]))),
  );
  if (batch.unhidden.length > 0) {
    const ids = Buffer.allocUnsafe(batch.unhidden.length * 4);
    for (const [i, id] of batch.unhidden.entries()) ids.writeUInt32LE(id, i * 4);
    parts.push(record(UNHIDE, ids));
  }
  if (batch.rows.length > 0) {
    const rows = Buffer.allocUnsafe(batch.rows.length * ROW);
    let at = 0;
    for (const r of batch.rows) {
      rows.writeUInt32LE(r.series.id, at);
      rows.writeUInt32LE(r.time, at + 4);
      rows.writeDoubleLE(r.value, at + 8);
      at += ROW;
    }
    parts.push(record(ROWS, rows));
  }
  return Buffer.concat(parts);
}

/** A log file's batches in order; a torn record at the end (a crash mid-write, never acknowledged) ends it. */
export function decodeLog(bytes: Buffer): LogBatch {
  const out: LogBatch = { created: [], unhidden: [], rows: [] };
  let at = 0;
  while (at + HEADER <= bytes.length) {
    const type = bytes.readUInt8(at);
    const length = bytes.readUInt32LE(at + 1);
    const start = at + HEADER;
    if (start + length > bytes.length) break;
    const payload = bytes.subarray(start, start + length);
    if (type === SERIES) {
      const [id, org, kind, owner, name] = JSON.parse(payload.toString('utf8'));
      out.created.push({ id, org, kind, owner, name, hidden: false });
    } else if (type === UNHIDE) {
      for (let i = 0; i + 4 <= length; i += 4) out.unhidden.push(payload.readUInt32LE(i));
    } else if (type === ROWS) {
      for (let i = 0; i + ROW <= length; i += ROW)
        out.rows.push({
          series: payload.readUInt32LE(i),
          time: payload.readUInt32LE(i + 4),
          value: payload.readDoubleLE(i + 8),
        });
    } else break;
    at = start + length;
  }
  return out;
}

/**
 * The durable write of local mode: points are appended here, one write and one `fdatasync` per
 * group commit, and acknowledged; DuckDB takes them later in large batches. Segments are numbered
 * files beside the database (`metrics.duckdb.log.<n>`): `rotate` starts the next, and a segment is
 * removed once DuckDB has committed everything in it. At open, the segments left are read back in
 * order (what a crash left between the acknowledgement and DuckDB's commit).
 */
export class PointLog {
  readonly #dir: string;
  readonly #prefix: string;
  #segment: number;
  #handle: FileHandle | undefined;

  private constructor(dir: string, prefix: string, segment: number) {
    this.#dir = dir;
    this.#prefix = prefix;
    this.#segment = segment;
  }

  /** The log beside `databasePath`, and the batches its segments hold (oldest first). */
  static open(databasePath: string): { log: PointLog; left: { segments: number[]; batch: LogBatch } } {
    const dir = dirname(databasePath);
    const prefix = `${basename(databasePath)}.log.`;
    const segments = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
      .map((f) => Number(f.slice(prefix.length)))
      .sort((a, b) => a - b);
    const batch: LogBatch = { created: [], unhidden: [], rows: [] };
    for (const n of segments) {
      const part = decodeLog(readFileSync(join(dir, `${prefix}${n}`)));
      batch.created.push(...part.created);
      batch.unhidden.push(...part.unhidden);
      batch.rows.push(...part.rows);
    }
    const log = new PointLog(dir, prefix, (segments.at(-1) ?? 0) + 1);
    return { log, left: { segments, batch } };
  }

  #path(segment: number): string {
    return join(this.#dir, `${this.#prefix}${segment}`);
  }

  /** Appends one batch and waits until it is on disk. */
  async append(bytes: Buffer): Promise<void> {
    this.#handle ??= await open(this.#path(this.#segment), 'a');
    await this.#handle.write(bytes);
    await this.#handle.datasync();
  }

  /** Starts a new segment for the appends that follow; returns the one just closed. */
  async rotate(): Promise<number> {
    const closed = this.#segment;
    await this.#handle?.close();
    this.#handle = undefined;
    this.#segment++;
    return closed;
  }

  /** Removes segments whose every batch DuckDB has committed. */
  remove(segments: number[]): void {
    for (const n of segments) rmSync(this.#path(n), { force: true });
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
