/**
 * DuckDB layout (local mode). Points newer than ~26 h live in `recent`, whose primary key makes a
 * re-posted (series, time) overwrite. Older points can no longer change (posts older than 24 h are
 * dropped), so they move in hour-aligned chunks to `archive`, without an index, ordered by series
 * for zone-map pruning, and their hourly sums go to `hourly` for long-range reads.
 */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS series (
     id INTEGER PRIMARY KEY, org VARCHAR NOT NULL, kind VARCHAR NOT NULL, owner VARCHAR NOT NULL,
     name VARCHAR NOT NULL, hidden BOOLEAN NOT NULL DEFAULT false)`,
  'CREATE TABLE IF NOT EXISTS recent (series INTEGER NOT NULL, time UINTEGER NOT NULL, value DOUBLE NOT NULL, PRIMARY KEY (series, time))',
  'CREATE TABLE IF NOT EXISTS archive (series INTEGER NOT NULL, time UINTEGER NOT NULL, value DOUBLE NOT NULL)',
  'CREATE TABLE IF NOT EXISTS hourly (series INTEGER NOT NULL, hour UINTEGER NOT NULL, sum DOUBLE NOT NULL, count INTEGER NOT NULL)',
  /** Staging for the appender; rows are upserted into `recent` and deleted in the same flush. */
  'CREATE TABLE IF NOT EXISTS incoming (series INTEGER NOT NULL, time UINTEGER NOT NULL, value DOUBLE NOT NULL, seq INTEGER NOT NULL)',
];

/** Moves incoming rows into `recent`: the last posted value of a (series, time) wins. */
export const UPSERT_INCOMING = `INSERT OR REPLACE INTO recent
  SELECT series, time, arg_max(value, seq) FROM incoming GROUP BY series, time`;

/** `{ids}`: series ids, inlined (integers, so zone maps can prune); `$1` from, `$2` to. */
const UNION = `SELECT series, time, value FROM recent WHERE series IN ({ids}) AND time BETWEEN $1 AND $2
  UNION ALL SELECT series, time, value FROM archive WHERE series IN ({ids}) AND time BETWEEN $1 AND $2`;

export const RAW_READ = `SELECT series, time, value FROM (${UNION}) ORDER BY series, time`;

/** `$3` step (seconds, below an hour). */
export const BUCKET_READ = `SELECT series, (time // $3) * $3 AS t, avg(value) AS v FROM (${UNION})
  GROUP BY series, t ORDER BY series, t`;

/** `$3` step (a multiple of an hour): archived hours from `hourly`, the rest summed from `recent`. */
export const HOURLY_READ = `SELECT series, (hour // $3) * $3 AS t, sum(s) / sum(c) AS v FROM (
    SELECT series, hour, sum AS s, count AS c FROM hourly WHERE series IN ({ids}) AND hour BETWEEN $1 AND $2
    UNION ALL
    SELECT series, (time // 3600) * 3600, sum(value), count(*) FROM recent
      WHERE series IN ({ids}) AND time BETWEEN $1 AND $2 GROUP BY 1, 2)
  GROUP BY series, t ORDER BY series, t`;

/** Newest point of every series (rebuilds the in-memory latest values at start). */
export const LATEST_ALL = `SELECT series, max(time) AS time, arg_max(value, time) AS value FROM (
    SELECT series, time, value FROM recent UNION ALL SELECT series, time, value FROM archive)
  GROUP BY series`;
