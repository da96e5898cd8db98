/** Log levels, least to most severe; `SABA_LOG_LEVEL` keeps those at or above it. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One answered request. Never the API key. */
export interface RequestLog {
  method: string;
  /** The path and, when there is one, the query. */
  target: string;
  status: number;
  ms: number;
  bytes: number;
  org?: string;
  requestId?: string;
}

export interface Logger {
  request(entry: RequestLog): void;
  error(msg: string, err?: unknown): void;
}

/** 5xx answers are errors; every other request is `info`, so a busy server can be quieted with `warn`. */
const levelOf = (status: number): LogLevel => (status >= 500 ? 'error' : 'info');

/**
 * `json`: one JSON object a line (CloudWatch Logs Insights reads its fields); `text`: a line a
 * person reads in a terminal.
 */
export function createLogger(options: {
  level: LogLevel;
  format: 'json' | 'text';
  write?: (line: string) => void;
}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const min = LOG_LEVELS.indexOf(options.level);
  const enabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) >= min;
  return {
    request(e) {
      const level = levelOf(e.status);
      if (!enabled(level)) return;
      if (options.format === 'json') {
        write(JSON.stringify({ level, msg: 'request', ...e, ms: Math.round(e.ms * 10) / 10 }));
      } else {
        write(
          `${e.method} ${e.target} ${e.status} ${e.ms.toFixed(1)}ms ${e.bytes}B${e.org ? ` org=${e.org}` : ''}`,
        );
      }
    },
    error(msg, err) {
      if (!enabled('error')) return;
      const detail =
        err instanceof Error ? (err.stack ?? err.message) : err === undefined ? undefined : String(err);
      write(
        options.format === 'json'
          ? JSON.stringify({ level: 'error', msg, ...(detail && { error: detail }) })
          : `ERROR ${msg}${detail ? `: ${detail}` : ''}`,
      );
    },
  };
}
