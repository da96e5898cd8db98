import { gzipSync } from 'node:zlib';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateOrgSettings } from '#shared/use-cases/admin.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/** A meter whose points go out only when the test flushes them. */
function meterWith(exporter: PushMetricExporter, attributes: Record<string, string>) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(attributes), readers: [reader] });
  return {
    meter: provider.getMeter('saba-test'),
    flush: () => provider.forceFlush(),
    stop: () => provider.shutdown(),
  };
}

/** OTLP/JSON as the specification writes it, with explicit times, for what the SDK cannot date. */
function counterRequest(
  name: string,
  points: [seconds: number, value: number][],
  labels: Record<string, string> = {},
) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'batch' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: points.map(([t, v]) => ({
                    timeUnixNano: `${t}000000000`,
                    asDouble: v,
                    attributes: Object.entries(labels).map(([key, s]) => ({
                      key,
                      value: { stringValue: s },
                    })),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('labeled metrics: the OpenTelemetry SDK in, Prometheus API out', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  const headers = () => ({ 'Mackerel-Api-Key': server.key });
  const promQuery = async (query: string, time?: number) => {
    const res = await call(
      'GET',
      `/api/v1/query?${new URLSearchParams({ query, ...(time && { time: String(time) }) })}`,
    );
    expect(res.status, res.text).toBe(200);
    return res.json.data as {
      resultType: string;
      result: { metric: Record<string, string>; value: [number, string] }[];
    };
  };
  const single = async (query: string) => {
    const { result } = await promQuery(query);
    expect(result, query).toHaveLength(1);
    return Number(result[0]?.value[1]);
  };

  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  it('takes the protobuf exporter, gzipped: counters cumulate, histograms become representative values', async () => {
    const exporter = new ProtobufExporter({
      url: `${server.url}/v1/metrics`,
      headers: headers(),
      compression: 'gzip' as never,
    });
    const { meter, flush, stop } = meterWith(exporter, { 'service.name': 'shop', 'host.name': 'web-1' });
    const requests = meter.createCounter('app.requests');
    const duration = meter.createHistogram('app.duration', {
      advice: { explicitBucketBoundaries: [10, 100, 1000] },
    });
    requests.add(5, { 'http.method': 'GET' });
    requests.add(7, { 'http.method': 'POST' });
    const recorded = [1, 2, 3, 40, 500];
    for (const v of recorded) duration.record(v);
    await flush();
    requests.add(3, { 'http.method': 'GET' });
    await flush();
    await stop();

    // The query names metrics and labels as Mackerel writes them, dotted and bare.
    expect(await single('app.requests{http.method="GET"}')).toBe(5 + 3);
    expect(await single('sum by (host.name) (app.requests)')).toBe(5 + 3 + 7);
    const { result } = await promQuery('app.requests');
    expect(
      result
        .map((r) => r.metric)
        .sort((a, b) => (a['http.method'] ?? '').localeCompare(b['http.method'] ?? '')),
    ).toEqual([
      { __name__: 'app.requests', 'host.name': 'web-1', 'http.method': 'GET', 'service.name': 'shop' },
      { __name__: 'app.requests', 'host.name': 'web-1', 'http.method': 'POST', 'service.name': 'shop' },
    ]);
    expect(await single('app.duration.count')).toBe(recorded.length);
    expect(await single('app.duration.sum')).toBe(recorded.reduce((a, b) => a + b, 0));
    expect(await single('app.duration.min')).toBe(Math.min(...recorded));
    expect(await single('app.duration.max')).toBe(Math.max(...recorded));
    // The 90th percentile is the 4.5th of 5 values: in the bucket (100, 1000] holding one value,
    // halfway, its upper end capped by the recorded maximum: 100 + (500 - 100) / 2.
    expect(await single('app.duration.90')).toBe(300);
    expect(await single('app.duration.99')).toBeCloseTo(100 + 400 * 0.95, 9);
  });

  it('takes the JSON exporter with delta temporality: the stored counter is the running total', async () => {
    const exporter = new JsonExporter({
      url: `${server.url}/v1/metrics`,
      headers: headers(),
      temporalityPreference: AggregationTemporalityPreference.DELTA,
    });
    const { meter, flush, stop } = meterWith(exporter, { 'service.name': 'worker' });
    const jobs = meter.createCounter('worker.jobs');
    jobs.add(4);
    await flush();
    await new Promise((r) => setTimeout(r, 1100)); // the next point a second later
    jobs.add(6);
    await flush();
    await stop();
    expect(await single('worker.jobs')).toBe(4 + 6);
  });

  it('evaluates rate and increase over a range as Prometheus does, on points with their own times', async () => {
    const t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;
    // A counter that grows by 60 a minute: 1 per second.
    const points = Array.from({ length: 11 }, (_, i) => [t0 + i * 60, 60 * i] as [number, number]);
    const res = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(counterRequest('jobs_done_total', points, { queue: 'mail' }))),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const range = await call(
      'GET',
      `/api/v1/query_range?${new URLSearchParams({ query: 'rate(jobs_done_total[5m])', start: String(t0 + 300), end: String(t0 + 600), step: '60' })}`,
    );
    expect(range.status, range.text).toBe(200);
    expect(range.json.data.resultType).toBe('matrix');
    const [series] = range.json.data.result;
    expect(series.metric).toEqual({ queue: 'mail', 'service.name': 'batch' });
    expect(series.values).toEqual([300, 360, 420, 480, 540, 600].map((s) => [t0 + s, '1']));
    const increase = await promQuery('increase(jobs_done_total[5m])', t0 + 600);
    expect(increase.result.map((r) => Number(r.value[1]))).toEqual([300]);
    // Grafana's data source POSTs its queries as a form.
    const form = await call(
      'POST',
      '/api/v1/query',
      new URLSearchParams({ query: 'jobs_done_total', time: String(t0 + 600) }).toString(),
      {
        'Content-Type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.json.data.result[0].value).toEqual([t0 + 600, '600']);
  });

  it('answers series, label names and label values from the index', async () => {
    const series = await call('GET', `/api/v1/series?${new URLSearchParams({ 'match[]': 'app.requests' })}`);
    expect(series.json.data.map((s: Record<string, string>) => s['http.method']).sort()).toEqual([
      'GET',
      'POST',
    ]);
    const labels = await call('GET', '/api/v1/labels');
    expect(labels.json.data).toEqual(
      expect.arrayContaining(['__name__', 'host.name', 'http.method', 'service.name', 'queue']),
    );
    const methods = await call('GET', '/api/v1/label/http.method/values');
    expect(methods.json).toEqual({ status: 'success', data: ['GET', 'POST'] });
    // What Grafana's data source asks first.
    const build = await call('GET', '/api/v1/status/buildinfo');
    expect(build.json).toMatchObject({ status: 'success', data: { version: expect.stringMatching(/^3\./) } });
    expect((await call('GET', '/api/v1/metadata')).json).toEqual({ status: 'success', data: {} });
    const names = await call('GET', '/api/v1/label/__name__/values');
    expect(names.json.data).toEqual(
      expect.arrayContaining(['app.requests', 'app.duration.99', 'worker.jobs', 'jobs_done_total']),
    );
  });

  it('refuses bad points with a partial success, bad queries with bad_data, and keeps the good ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = counterRequest('fine_total', [
      [now - 2 * 86400, 1],
      [now, 2],
    ]);
    const bad = counterRequest('9starts-with-a-digit', [[now, 1]]);
    body.resourceMetrics.push(...bad.resourceMetrics);
    const res = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedDataPoints).toBe('2');
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid metric name "9starts-with-a-digit"/);
    expect(answer.partialSuccess.errorMessage).toMatch(/outside \[now - 24h, now \+ 1h\]/);
    expect(await single('fine_total')).toBe(2);

    const garbage = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: '{"resourceMetrics": 7}',
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({
      code: 3,
      error: { message: expect.stringMatching(/Invalid OTLP/) },
    });
    const noKey = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(noKey.status).toBe(401);

    const parse = await call('GET', `/api/v1/query?${new URLSearchParams({ query: 'sum(' })}`);
    expect(parse.status).toBe(400);
    expect(parse.json).toMatchObject({ status: 'error', errorType: 'bad_data' });
    const tooFine = await call(
      'GET',
      `/api/v1/query_range?${new URLSearchParams({ query: 'fine_total', start: '0', end: '86400', step: '1' })}`,
    );
    expect(tooFine.status).toBe(400);
    expect(tooFine.json.error).toMatch(/11,000 points/);
  });

  it("takes requests up to Mackerel's 6 MB (more than the API's 4 MiB), and refuses larger ones", {
    timeout: 120_000,
  }, async () => {
    const now = Math.floor(Date.now() / 1000);
    // One series with a long label, so a few thousand points make megabytes.
    const body = (points: number) =>
      JSON.stringify(
        counterRequest(
          'big_total',
          Array.from({ length: points }, (_, i) => [now - i, i] as [number, number]),
          { pad: 'x'.repeat(1000) },
        ),
      );
    const five = body(4_200);
    expect(Buffer.byteLength(five)).toBeGreaterThan(4 * 1024 * 1024);
    expect(Buffer.byteLength(five)).toBeLessThan(6 * 1024 * 1024);
    const ok = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: five,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    expect(await single('big_total')).toBe(0);
    const seven = body(6_000);
    expect(Buffer.byteLength(seven)).toBeGreaterThan(6 * 1024 * 1024);
    const tooLarge = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: seven,
    });
    expect(tooLarge.status).toBe(413);
  });

  it("stops indexing new series at the organization's limit, and says so", async () => {
    await updateOrgSettings(server.runtime.deps, 'default', { labeledSeriesLimit: 10 });
    const known = (await call('GET', '/api/v1/series?match[]={__name__=~".%2B"}')).json.data.length as number;
    const now = Math.floor(Date.now() / 1000);
    const fresh = counterRequest('tenants_total', [[now, 1]], { tenant: 'a' });
    for (const tenant of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'])
      fresh.resourceMetrics.push(...counterRequest('tenants_total', [[now, 1]], { tenant }).resourceMetrics);
    const res = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify(fresh),
    });
    const answer = (await res.json()) as {
      partialSuccess?: { rejectedDataPoints: string; errorMessage: string };
    };
    const room = Math.max(0, 10 - known);
    expect(Number(answer.partialSuccess?.rejectedDataPoints)).toBe(13 - room);
    expect(answer.partialSuccess?.errorMessage).toMatch(/limit of 10 labeled series/);
    expect((await promQuery('tenants_total')).result).toHaveLength(room);
    await updateOrgSettings(server.runtime.deps, 'default', { labeledSeriesLimit: 0 });
  });
});
