import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/deployed/harness.ts';
import { agentClient, callFront } from '../support/deployed/http.ts';
import { addTenant } from '../support/deployed/tenants.ts';

/**
 * The app with the Timestream metric store (and forwarding by name list, and a tight throttle),
 * synthesized and run as deployed: moto's Timestream takes the writes (its queries answer nothing:
 * Timestream's reads are covered by aws-sdk-client-mock in test/adapters), the stage throttles as
 * configured, and every call is allowed by its role.
 */
describe('AWS as deployed: the Timestream metric store', () => {
  let h: Harness;
  let key: string;

  beforeAll(async () => {
    h = await Harness.deploy({
      metricStore: 'timestream',
      forwardToCloudWatch: 'loadavg5,cpu.*',
      apiRateLimit: '5',
      apiBurstLimit: '5',
    });
    key = await addTenant(h, 'default');
  }, 180_000);
  afterAll(() => h?.stop());

  it('writes an agent’s points to the Timestream table the template declares', async () => {
    const agent = agentClient(h.front.url, key);
    const hostId = await agent.register();
    const now = Math.floor(Date.now() / 1000);
    await agent.post([{ hostId, name: 'loadavg5', time: now, value: 1.5 }]);
    const table = h.physical('AWS::Timestream::Table', 'MetricsPoints');
    const writes = h.recorder.calls.filter((c) => c.action === 'timestream:WriteRecords');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.status === 200 && c.resource.endsWith(`/table/${table.ref}`))).toBe(true);
    const read = await agent.series(hostId, 'loadavg5', now - 60, now);
    expect(read.status, read.text).toBe(200);
    expect(Array.isArray(read.json.metrics)).toBe(true);
  });

  it('writes labeled (OTLP) points to Timestream too, and indexes their series in the entity table', async () => {
    const before = h.recorder.calls.filter((c) => c.action === 'timestream:WriteRecords').length;
    const now = Math.floor(Date.now() / 1000);
    const res = await fetch(`${h.front.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'Mackerel-Api-Key': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'queue.depth',
                    gauge: {
                      dataPoints: ['mail', 'sms'].map((queue) => ({
                        attributes: [{ key: 'queue', value: { stringValue: queue } }],
                        timeUnixNano: `${now}000000000`,
                        asDouble: 3,
                      })),
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const writes = h.recorder.calls.filter((c) => c.action === 'timestream:WriteRecords').slice(before);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.status === 200)).toBe(true);
    const series = await callFront(
      h.front.url,
      key,
      'GET',
      `/api/v1/series?${new URLSearchParams({ 'match[]': 'queue.depth' })}`,
    );
    expect(series.json.data.map((s: Record<string, string>) => s.queue).sort()).toEqual(['mail', 'sms']);
  });

  it('throttles at the stage’s rate and burst, as API Gateway does', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // the bucket refills
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => callFront(h.front.url, key, 'GET', '/api/v0/org')),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(answers.find((a) => a.status === 429)?.json).toEqual({ message: 'Too Many Requests' });
  });

  it('makes no AWS call its role does not allow', async () => {
    await h.shipLogs();
    const report = h.iamReport();
    expect(report.denied).toEqual([]);
    expect(report.calls).toBeGreaterThan(10);
  });
});
