import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../promql-go/', import.meta.url));

/** The acceptance files the Go side runs (test/promql-go/promql_test.go), each of which must pass. */
const FILES = [
  'aggregators.test',
  'at_modifier.test',
  'collision.test',
  'functions.test',
  'literals.test',
  'operators.test',
  'range_queries.test',
  'selectors.test',
  'staleness.test',
];

/**
 * saba's PromQL engine against Prometheus's own acceptance files (promqltest and its test data,
 * from the prometheus Go module v0.316.0): every eval of the supported language must give
 * Prometheus's result, again with `@` added to its selectors and again as a range query. Go is
 * required: a missing toolchain fails.
 */
describe("PromQL: Prometheus's acceptance tests against saba's engine", () => {
  it('passes every supported eval of every file', { timeout: 900_000 }, async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'go',
        ['test', '-count=1', '-v', '-run', 'TestPrometheusAcceptance', './...'],
        {
          cwd: MODULE,
          env: { ...process.env, SABA_NODE: process.execPath, GOFLAGS: '-mod=readonly' },
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    const failures = output
      .split('\n')
      .filter((l) => l.includes('--- FAIL'))
      .slice(0, 20)
      .join('\n');
    expect(code, failures || output.slice(-4000)).toBe(0);
    for (const file of FILES) expect(output).toContain(`--- PASS: TestPrometheusAcceptance/${file}`);
    // Enough of each file runs for the pass to mean something.
    const run = [...output.matchAll(/(\S+\.test): (\d+) evals run/g)].map(
      (m) => [m[1], Number(m[2])] as const,
    );
    expect(run.map(([f]) => f).sort()).toEqual([...FILES].sort());
    expect(run.reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(600);
  });
});
