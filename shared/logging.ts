import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** Log levels, least to most severe; `SABA_LOG_LEVEL` keeps those at or above it. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of a line: plain JSON values only. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One answered request. Never the API key. */
export interface RequestLog extends LogFields {
  /** At least this level (5xx answers are always errors). */
  level?: 'warn';
  method: string;
  /** The path and, when there is one, the query. */
  target: string;
  status: number;
  ms: number;
  bytes: number;
  org?: string;
  requestId?: string;
}

/** The units saba's own CloudWatch metrics use. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Percent';

/** saba's own metrics: values with their units, and the dimensions they are kept under. */
export interface MetricsEntry {
  values: Record<string, [number, MetricUnit]>;
  dimensions?: Record<string, string>;
}

/** The CloudWatch namespace of saba's own metrics (the `saba` EMF lines). */
export const METRICS_NAMESPACE = 'saba';

/**
 * An Embedded Metric Format document: CloudWatch Logs turns it into metrics in `saba`, under the
 * entry's dimensions and also under none (one total per metric, which the alarms watch).
 */
export function emfFields(entry: MetricsEntry, at: number): Record<string, unknown> {
  const dimensions = entry.dimensions ?? {};
  const keys = Object.keys(dimensions);
  return {
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: keys.length > 0 ? [keys, []] : [[]],
          Metrics: Object.entries(entry.values).map(([Name, [, Unit]]) => ({ Name, Unit })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(Object.entries(entry.values).map(([name, [value]]) => [name, value])),
  };
}

/**
 * The one logger of every function and every local loop (requests, checker, notifier, forwarder,
 * compaction). Nothing else writes log lines.
 */
export interface Logger {
  request(entry: RequestLog): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, err?: unknown, fields?: LogFields): void;
  /** saba's own metrics: on Lambda an EMF line (CloudWatch metrics, no API call), locally a text line. */
  metrics(entry: MetricsEntry): void;
  /** On Lambda: the invocation's request id and cold start on every line until the next call. */
  addContext(context: Context): void;
}

/**
 * 5xx answers are errors; every other request is `info` unless its operation asked for `warn` (a post
 * that dropped points), so a busy server can be quieted with `warn` and still show those.
 */
const levelOf = (e: RequestLog): LogLevel => (e.status >= 500 ? 'error' : (e.level ?? 'info'));

const errorText = (err: unknown): string | undefined =>
  err instanceof Error ? (err.stack ?? err.message) : err === undefined ? undefined : String(err);

const defined = (fields: LogFields = {}): LogFields =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

/**
 * `json`: Powertools for AWS Lambda's Logger, one JSON object a line (CloudWatch Logs Insights reads
 * its fields: `level`, `message`, `timestamp`, `service`, the Lambda context, then ours);
 * `text`: a line a person reads in a terminal (`write` defaults to standard output).
 */
export function createLogger(options: {
  level: LogLevel;
  format: 'json' | 'text';
  write?: (line: string) => void;
}): Logger {
  return options.format === 'json' ? jsonLogger(options.level) : textLogger(options.level, options.write);
}

function jsonLogger(level: LogLevel): Logger {
  const pt = new PowertoolsLogger({ serviceName: 'saba', logLevel: level.toUpperCase() as 'INFO' });
  return {
    request(e) {
      const { level: _, ...rest } = e;
      const fields = defined({ ...rest, ms: Math.round(e.ms * 10) / 10 });
      const level = levelOf(e);
      if (level === 'error') pt.error('request', fields);
      else if (level === 'warn') pt.warn('request', fields);
      else pt.info('request', fields);
    },
    debug: (msg, fields) => pt.debug(msg, defined(fields)),
    info: (msg, fields) => pt.info(msg, defined(fields)),
    warn: (msg, fields) => pt.warn(msg, defined(fields)),
    error(msg, err, fields) {
      const detail = errorText(err);
      pt.error(msg, { ...defined(fields), ...(detail && { error: detail }) });
    },
    // Powertools writes the extra fields at the top level of the line, where EMF wants them.
    metrics: (entry) => pt.info('metrics', emfFields(entry, Date.now()) as never),
    addContext: (context) => pt.addContext(context),
  };
}

/**
 * Standard output, a write per turn of the event loop rather than per line: a busy local server
 * answers dozens of requests a turn, and a write each was a fifth of its CPU per post. What is
 * still buffered when the process exits is written then. `stamp` dresses each line (the local
 * server's timestamps).
 */
function bufferedStdout(stamp: (line: string) => string = (line) => line): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    process.stdout.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(`${stamp(line)}\n`);
  };
}

/** The local server's standard output: each line stamped with the time it was logged, buffered per turn. */
export const stampedStdout = (): ((line: string) => void) =>
  bufferedStdout((line) => `${new Date().toISOString()} ${line}`);

function textLogger(level: LogLevel, write: (line: string) => void = bufferedStdout()): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const enabled = (l: LogLevel) => LOG_LEVELS.indexOf(l) >= min;
  const fieldText = (fields?: LogFields) =>
    Object.entries(defined(fields))
      .map(([k, v]) => ` ${k}=${v}`)
      .join('');
  const line = (l: LogLevel, msg: string, fields?: LogFields) => {
    if (enabled(l)) write(`${l === 'info' ? '' : `${l.toUpperCase()} `}${msg}${fieldText(fields)}`);
  };
  return {
    request(e) {
      const level = levelOf(e);
      if (!enabled(level)) return;
      const { method, target, status, ms, bytes, org, requestId: _, level: __, ...rest } = e;
      write(
        `${level === 'info' ? '' : `${level.toUpperCase()} `}${method} ${target} ${status} ${ms.toFixed(1)}ms ${bytes}B${org ? ` org=${org}` : ''}${fieldText(rest)}`,
      );
    },
    debug: (msg, fields) => line('debug', msg, fields),
    info: (msg, fields) => line('info', msg, fields),
    warn: (msg, fields) => line('warn', msg, fields),
    error(msg, err, fields) {
      const detail = errorText(err);
      line('error', `${msg}${detail ? `: ${detail}` : ''}`, fields);
    },
    metrics: (entry) =>
      line('debug', 'metrics', {
        ...entry.dimensions,
        ...Object.fromEntries(Object.entries(entry.values).map(([name, [value]]) => [name, value])),
      }),
    addContext: () => {},
  };
}
