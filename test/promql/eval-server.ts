/**
 * saba's PromQL engine behind a pipe, for the Prometheus acceptance suite (test/promql-go): each
 * line in is `{series, query, start, end, step, instant}` (times in ms, values as Go formats them,
 * `stale` for a stale marker), each line out `{result}` or `{error, parse}`. The series are
 * served by an in-memory source that selects exactly as the stores do: by matchers, in [from, to].
 */
import { createInterface } from 'node:readline';
import type { Matcher } from '#shared/domain/promql/ast.ts';
import { type QueryResult, query } from '#shared/domain/promql/engine.ts';
import { PromQLParseError } from '#shared/domain/promql/parse.ts';
import {
  formatSampleValue,
  matches,
  type RawSeries,
  type SeriesSource,
} from '#shared/domain/promql/values.ts';

interface Request {
  series: { labels: Record<string, string>; samples: [number, string][] }[];
  query: string;
  start: number;
  end: number;
  step: number;
  instant: boolean;
}

const toNumber = (s: string) =>
  s === 'NaN'
    ? Number.NaN
    : s === '+Inf'
      ? Number.POSITIVE_INFINITY
      : s === '-Inf'
        ? Number.NEGATIVE_INFINITY
        : Number(s);

function memorySource(request: Request): SeriesSource {
  const all: RawSeries[] = request.series.map((s) => ({
    labels: s.labels,
    t: s.samples.map(([t]) => t),
    v: s.samples.map(([, v]) => (v === 'stale' ? Number.NaN : toNumber(v))),
    stale: s.samples.map(([, v]) => v === 'stale'),
  }));
  return {
    async select(matchers: Matcher[], from: number, to: number) {
      return all
        .filter((s) => matchers.every((m) => matches(m, s.labels)))
        .map((s) => {
          const keep = s.t.map((t) => t >= from && t <= to);
          return {
            labels: s.labels,
            t: s.t.filter((_, i) => keep[i]),
            v: s.v.filter((_, i) => keep[i]),
            stale: (s.stale ?? []).filter((_, i) => keep[i]),
          };
        });
    },
  };
}

function encode(r: QueryResult): unknown {
  switch (r.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: [r.result[0], formatSampleValue(r.result[1])] };
    case 'string':
      return r;
    case 'vector':
      return {
        resultType: 'vector',
        result: r.result.map((s) => ({
          metric: s.metric,
          value: [s.value[0], formatSampleValue(s.value[1])],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.result.map((s) => ({
          metric: s.metric,
          values: s.values.map(([t, v]) => [t, formatSampleValue(v)]),
        })),
      };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as Request;
  let answer: unknown;
  try {
    const result = await query(request.query, memorySource(request), {
      start: request.start,
      end: request.end,
      step: request.step,
      instant: request.instant,
    });
    answer = { result: encode(result) };
  } catch (err) {
    answer = { error: (err as Error).message, parse: err instanceof PromQLParseError };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
