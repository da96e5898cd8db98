import { createLogger, type Logger, type LogLevel } from '#shared/logging.ts';

/** The project's logger in its text form, keeping every line it writes (for assertions on logs). */
export function recordingLogger(level: LogLevel = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, format: 'text', write: (line) => lines.push(line) }) };
}

/** Every line written to standard output and error while `work` runs (Powertools' JSON logger writes there). */
export async function captureStdio(work: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const keep = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = keep as typeof process.stdout.write;
  process.stderr.write = keep as typeof process.stderr.write;
  try {
    await work();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return lines;
}
