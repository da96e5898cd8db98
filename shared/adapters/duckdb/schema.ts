/**
 * DuckDB layout (local mode). Posts are appended to `recent` with an arrival sequence number and no
 * index (an upsert into a primary key costs three to four times more per commit); readers take the
 * last-arrived value of each (series, time), so a re-post overwrites. Points older than ~26 h can no
 * longer change (posts older than 24 h are dropped), so whole hours of them move, deduplicated, to
 * `archive`, ordered by series for zone-map pruning, and their hourly sums to `hourly`.
 */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS series (
     id INTEGER PRIMARY KEY, org VARCHAR NOT NULL, kind VARCHAR NOT NULL, owner VARCHAR NOT NULL,
     name VARCHAR NOT NULL, hidden BOOLEAN NOT NULL DEFAULT false)`,
  'CREATE TABLE IF NOT EXISTS recent (series INTEGER NOT NULL, time UINTEGER NOT NULL, value DOUBLE NOT NULL, seq UBIGINT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS archive (series INTEGER NOT NULL, time UINTEGER NOT NULL, value DOUBLE NOT NULL)',
  'CREATE TABLE IF NOT EXISTS hourly (series INTEGER NOT NULL, hour UINTEGER NOT NULL, sum DOUBLE NOT NULL, count INTEGER NOT NULL)',
];

/** `recent` with one row per (series, time): the value that arrived last. `{where}` filters first. */
const deduped = (where: string) =>
  `SELECT series, time, arg_max(value, seq) AS value FROM recent WHERE ${where} GROUP BY series, time`;

/** `{ids}`: series ids, inlined (integers, so zone maps can prune); `$1` from, `$2` to. */
const WINDOW = 'series IN ({ids}) AND time BETWEEN $1 AND $2';
const UNION = `${deduped(WINDOW)} UNION ALL SELECT series, time, value FROM archive WHERE ${WINDOW}`;

export const RAW_READ = `SELECT series, time, value FROM (${UNION}) ORDER BY series, time`;

/** `$3` step (seconds, below an hour). */
export const BUCKET_READ = `SELECT series, (time // $3) * $3 AS t, avg(value) AS v FROM (${UNION})
  GROUP BY series, t ORDER BY series, t`;

/** `$3` step (a multiple of an hour): archived hours from `hourly`, the rest summed from `recent`. */
export const HOURLY_READ = `SELECT series, (hour // $3) * $3 AS t, sum(s) / sum(c) AS v FROM (
    SELECT series, hour, sum AS s, count AS c FROM hourly WHERE series IN ({ids}) AND hour BETWEEN $1 AND $2
    UNION ALL
    SELECT series, (time // 3600) * 3600, sum(value), count(*) FROM (${deduped(WINDOW)}) GROUP BY 1, 2)
  GROUP BY series, t ORDER BY series, t`;

/** Newest point of every series (rebuilds the in-memory latest values at open). */
export const LATEST_ALL = `SELECT series, max(time) AS time, arg_max(value, time) AS value FROM (
    ${deduped('true')} UNION ALL SELECT series, time, value FROM archive)
  GROUP BY series`;

/** `$1` cutoff: every point before it moves out of `recent`. */
export const COMPACT = [
  `INSERT INTO archive SELECT series, time, value FROM (${deduped('time < $1')}) ORDER BY series, time`,
  `INSERT INTO hourly SELECT series, (time // 3600) * 3600, sum(value), count(*) FROM (${deduped('time < $1')}) GROUP BY 1, 2`,
  'DELETE FROM recent WHERE time < $1',
];
