/**
 * `npm run bench:otlp`: labeled metrics, saba against VictoriaMetrics (Debian's victoria-metrics,
 * installed with apt-get when missing) in the same run.
 *
 * 1. Ingest CPU: the same data points, 100 series × 10 time points a request, to saba as OTLP/HTTP
 *    protobuf (`POST /v1/metrics`) and to VictoriaMetrics through its Prometheus import API
 *    (`/api/v1/import/prometheus`); each server's CPU (its process and children, from /proc) per
 *    1,000 data points, three rounds, medians.
 * 2. A range query: `sum by (zone) (rate(bench_requests_total[5m]))` over 100 series × 24 h at a
 *    1-minute step, on both, median of 5.
 */
import { rmSync } from 'node:fs';
import protobuf from 'protobufjs';
import { OTLP_METRICS_PROTO } from '#shared/schemas/otlp-metrics.proto.ts';
import { cpuSeconds, startVictoria } from './peers-servers.ts';
import { BENCH_KEY, saveResult, startSaba } from './support.ts';

const SERIES = 100;
const POINTS_PER_SERIES = 10;
const REQUESTS = Number(process.env.BENCH_OTLP_REQUESTS ?? 200);
const ROUNDS = 3;
const CONCURRENCY = 8;

const Request = protobuf
  .parse(OTLP_METRICS_PROTO)
  .root.lookupType('opentelemetry.proto.ExportMetricsServiceRequest');
const zone = (i: number) => `z${i % 4}`;

/** One request's worth: every series, `POINTS_PER_SERIES` times from `start`, a minute apart. */
function batch(start: number, round: number): { otlp: Buffer; prometheus: string } {
  const dataPoints = [];
  const lines: string[] = [];
  for (let s = 0; s < SERIES; s++)
    for (let p = 0; p < POINTS_PER_SERIES; p++) {
      const t = start + p * 60;
      const value = (round * 1_000_000 + t) * (s + 1);
      dataPoints.push({
        attributes: [
          { key: 'instance', value: { stringValue: `i${s}` } },
          { key: 'zone', value: { stringValue: zone(s) } },
        ],
        timeUnixNano: `${t}000000000`,
        asDouble: value,
      });
      lines.push(`bench_requests_total{instance="i${s}",zone="${zone(s)}"} ${value} ${t * 1000}`);
    }
  const message = Request.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'bench_requests_total',
                sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints },
              },
            ],
          },
        ],
      },
    ],
  });
  return { otlp: Buffer.from(Request.encode(message).finish()), prometheus: `${lines.join('\n')}\n` };
}

async function sendAll(bodies: (() => Promise<Response>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const res = await (bodies[i] as () => Promise<Response>)();
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Target {
  label: string;
  pid: number;
  send(b: { otlp: Buffer; prometheus: string }): Promise<Response>;
  rangeQuery(
    query: string,
    start: number,
    end: number,
  ): Promise<{ ms: number; series: number; points: number }>;
  stop(): Promise<void>;
}

async function timedQuery(
  url: string,
  headers: Record<string, string>,
  query: string,
  start: number,
  end: number,
) {
  const t0 = performance.now();
  const res = await fetch(
    `${url}/api/v1/query_range?${new URLSearchParams({ query, start: String(start), end: String(end), step: '60' })}`,
    { headers },
  );
  const body = (await res.json()) as { data?: { result: { values: unknown[] }[] }; error?: string };
  const ms = performance.now() - t0;
  if (!res.ok || !body.data) throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return {
    ms,
    series: body.data.result.length,
    points: body.data.result.reduce((n, s) => n + s.values.length, 0),
  };
}

async function saba(): Promise<Target> {
  const s = await startSaba();
  const headers = { 'Mackerel-Api-Key': BENCH_KEY };
  return {
    label: 'saba (OTLP protobuf)',
    pid: s.proc.pid as number,
    send: (b) =>
      fetch(`${s.url}/v1/metrics`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-protobuf' },
        body: b.otlp,
      }),
    rangeQuery: (q, start, end) => timedQuery(s.url, { 'X-Api-Key': BENCH_KEY }, q, start, end),
    async stop() {
      await s.stop();
      rmSync(s.dataDir, { recursive: true, force: true });
    },
  };
}

async function victoria(): Promise<Target> {
  const server = await startVictoria();
  const url = server.url;
  return {
    label: 'VictoriaMetrics 1.79 (Prometheus import)',
    pid: server.pid,
    send: (b) => fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body: b.prometheus }),
    rangeQuery: async (q, start, end) => {
      await fetch(`${url}/internal/force_flush`);
      return timedQuery(url, {}, q, start, end);
    },
    stop: () => server.stop(),
  };
}

const now = Math.floor(Date.now() / 1000 / 60) * 60;
const dayStart = now - 86_400 + 120;
const results: Record<string, unknown>[] = [];
for (const make of [saba, victoria]) {
  const target = await make();
  try {
    // Ingest: the last REQUESTS × 10 minutes before the 24 hours the query reads are left alone.
    const perRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bodies = Array.from({ length: REQUESTS }, (_, i) =>
        batch(dayStart + ((i * POINTS_PER_SERIES) % 1380) * 60, round + 1),
      );
      const cpu0 = cpuSeconds(target.pid);
      await sendAll(bodies.map((b) => () => target.send(b)));
      const cpu = cpuSeconds(target.pid) - cpu0;
      perRound.push((cpu * 1000) / ((REQUESTS * SERIES * POINTS_PER_SERIES) / 1000));
    }
    // The 24 hours the query reads, one point a minute for each series.
    const day = Array.from({ length: 144 }, (_, i) => batch(dayStart + i * POINTS_PER_SERIES * 60, 0));
    await sendAll(day.map((b) => () => target.send(b)));
    const query = 'sum by (zone) (rate(bench_requests_total[5m]))';
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await target.rangeQuery(query, dayStart, dayStart + 1439 * 60));
    const result = {
      target: target.label,
      cpuMsPer1000Points: perRound.map((x) => Number(x.toFixed(2))),
      cpuMsPer1000PointsMedian: Number(median(perRound).toFixed(2)),
      rangeQueryMs: runs.map((r) => Math.round(r.ms)),
      rangeQueryMsMedian: Math.round(median(runs.map((r) => r.ms))),
      rangeQuerySeries: runs[0]?.series,
      rangeQueryPoints: runs[0]?.points,
    };
    console.log(JSON.stringify(result));
    results.push(result);
  } finally {
    await target.stop();
  }
}
console.log(
  '\n| target | CPU ms / 1,000 points (3 rounds) | median | range query ms (5 runs) | median | series × points |',
);
console.log('| --- | --- | ---: | --- | ---: | --- |');
for (const r of results)
  console.log(
    `| ${r.target} | ${(r.cpuMsPer1000Points as number[]).join(', ')} | ${r.cpuMsPer1000PointsMedian} | ${(r.rangeQueryMs as number[]).join(', ')} | ${r.rangeQueryMsMedian} | ${r.rangeQuerySeries} × ${r.rangeQueryPoints} |`,
  );
saveResult('otlp', results);
