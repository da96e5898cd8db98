/**
 * The checker's share of the cost model, from what `npm run bench:checker` measured (its results in
 * bench-results/checker-<hosts>.json, at 10,000 and 100,000 hosts): per run, the invocations (the
 * scheduled run and one per job), the Lambda time their CPU implies at 1,024 MB, the DynamoDB read
 * units, the SQS calls of the jobs; per minute, the role series writes ingest makes for watched roles.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from './support.ts';

interface Part {
  implied_lambda_ms: number;
  requests: number;
  readUnits: number;
}

interface BenchRun {
  label: string;
  scheduled: Part & { jobsSent: number };
  byType: Record<string, { jobs: number; total: Part; longest: Part }>;
  total: Part & { evaluations: number; skipped: number; failures: number };
  longestImpliedLambdaMs: number;
}

export interface CheckerBench {
  hosts: number;
  memoryMb: number;
  ingest: { roleSeriesWritesPerMinute: number; roleSeriesWriteUnitsPerMinute: number };
  runs: BenchRun[];
}

/** The steady run (nothing changed since the last minute), with role series and without. */
export const STEADY = 1;
export const MEMBER_READS = 2;

/** The measured sizes on record, smallest first (none when bench:checker has not been run). */
export function loadCheckerBenches(): CheckerBench[] {
  return [10_000, 100_000]
    .map((hosts) => join(RESULTS, `checker-${hosts}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as CheckerBench);
}

export interface CheckerRunCost {
  invocations: number;
  lambdaMs: number;
  readUnits: number;
  requests: number;
  sqsCalls: number;
  /** Role series writes a minute (ingest), in write units. */
  roleSeriesWriteUnits: number;
}

/** One run's consumption as measured, `run` being STEADY or MEMBER_READS. */
export function runCost(bench: CheckerBench, run: number): CheckerRunCost {
  const r = bench.runs[run] as BenchRun;
  const jobs = r.scheduled.jobsSent;
  return {
    invocations: 1 + jobs,
    lambdaMs: r.total.implied_lambda_ms,
    readUnits: r.total.readUnits,
    requests: r.total.requests,
    // Sent 10 a batch; each job received and deleted once.
    sqsCalls: Math.ceil(jobs / 10) + 2 * jobs,
    roleSeriesWriteUnits: run === MEMBER_READS ? 0 : bench.ingest.roleSeriesWriteUnitsPerMinute,
  };
}

/**
 * The consumption at `hosts`: the measured size itself, else a straight line through the two
 * measured sizes (above 10,000), else 10,000's scaled down in proportion (below it: conservative,
 * since a run's fixed part does not shrink with the fleet… nor grow).
 */
export function costAt(benches: CheckerBench[], hosts: number, run: number): CheckerRunCost | undefined {
  const [small, large] = benches;
  if (!small) return undefined;
  const a = runCost(small, run);
  if (hosts === small.hosts) return a;
  if (large && hosts === large.hosts) return runCost(large, run);
  const scale = (f: (c: CheckerRunCost) => number) => {
    if (!large || hosts < small.hosts) return (f(a) * hosts) / small.hosts;
    const b = runCost(large, run);
    return f(a) + ((f(b) - f(a)) * (hosts - small.hosts)) / (large.hosts - small.hosts);
  };
  return {
    invocations: Math.max(1, Math.round(scale((c) => c.invocations))),
    lambdaMs: scale((c) => c.lambdaMs),
    readUnits: scale((c) => c.readUnits),
    requests: scale((c) => c.requests),
    sqsCalls: scale((c) => c.sqsCalls),
    roleSeriesWriteUnits: scale((c) => c.roleSeriesWriteUnits),
  };
}

export interface CheckerPrices {
  lambdaRequestPerMillion: number;
  lambdaGbSecondArm: number;
  ddbReadPerMillion: number;
  sqsPerMillion: number;
}

const RUNS_A_MONTH = 60 * 24 * 30;

/** A month of checker runs (Lambda, reads, SQS) and of the role series writes ingest makes. */
export function monthlyChecker(
  c: CheckerRunCost,
  price: CheckerPrices,
  perMillionWrites: number,
  memoryGb = 1,
): { checker: number; roleSeriesWrites: number } {
  const lambda =
    (c.invocations * price.lambdaRequestPerMillion) / 1e6 +
    (c.lambdaMs / 1000) * memoryGb * price.lambdaGbSecondArm;
  const reads = (c.readUnits * price.ddbReadPerMillion) / 1e6;
  const sqs = (c.sqsCalls * price.sqsPerMillion) / 1e6;
  return {
    checker: RUNS_A_MONTH * (lambda + reads + sqs),
    roleSeriesWrites: (RUNS_A_MONTH * c.roleSeriesWriteUnits * perMillionWrites) / 1e6,
  };
}
