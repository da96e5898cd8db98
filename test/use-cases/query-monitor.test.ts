import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiAlert } from '#shared/domain/monitoring/alert.ts';
import { webhookPayload } from '#shared/domain/monitoring/messages.ts';
import { type AlertEvent, isAlertGroupEvent } from '#shared/domain/monitoring/notification.ts';
import { ValidationError } from '#shared/errors.ts';
import { ingestOtlp } from '#shared/use-cases/labeled/ingest-otlp.ts';
import { KnownSeries } from '#shared/use-cases/labeled/known-series.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { createMonitor, updateMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { check, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_000;

/** OTLP gauges `queue.depth{queue=…}` at the clock's time. */
async function depths(deps: MonitoringDeps, values: Record<string, number>) {
  const at = Math.floor(deps.clock.now() / 1000);
  await ingestOtlp(
    deps,
    new KnownSeries(),
    'acme',
    {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mailer' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'queue.depth',
                  gauge: {
                    dataPoints: Object.entries(values).map(([queue, v]) => ({
                      attributes: [{ key: 'queue', value: { stringValue: queue } }],
                      timeUnixNano: `${at}000000000`,
                      asDouble: v,
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    },
    async () => 1000,
  );
}

const openAlerts = async (deps: MonitoringDeps) =>
  (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;

describe('query monitors: one alert per series, from the checker', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('opens an alert for each series over its threshold, names the series, and closes it when it recovers or is gone', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const monitor = await createMonitor(deps, 'acme', {
      type: 'query',
      name: 'queue backlog',
      query: 'queue.depth',
      legend: 'queue {{queue}}',
      operator: '>',
      warning: 50,
      critical: 100,
    });
    await depths(deps, { mail: 120, sms: 70, push: 10 });
    await check(deps);
    const alerts = await openAlerts(deps);
    const bySeries = Object.fromEntries(alerts.map((a) => [a.series?.labels.queue, a]));
    expect(Object.keys(bySeries).sort()).toEqual(['mail', 'sms']);
    expect(bySeries.mail).toMatchObject({
      status: 'CRITICAL',
      type: 'query',
      monitorId: monitor.id,
      value: 120,
      message: 'queue mail',
    });
    expect(toApiAlert(bySeries.sms as never)).toMatchObject({
      status: 'WARNING',
      series: { name: 'queue.depth', labels: { queue: 'sms', 'service.name': 'mailer' } },
    });
    // The notification names the series: its title, and the webhook's metric object.
    const events = deps.notifications.jobs
      .map((j) => j.event)
      .filter((e): e is AlertEvent => !isAlertGroupEvent(e));
    const mail = events.find((e) => e.alert.series?.labels.queue === 'mail') as AlertEvent;
    expect(webhookPayload(mail)).toMatchObject({
      type: 'query',
      metric: { name: 'queue.depth', labels: { queue: 'mail', 'service.name': 'mailer' } },
      alert: { status: 'critical', metricValue: 120, criticalThreshold: 100 },
    });

    // A minute later: mail recovers, sms stops being sent at all.
    deps.clock.at(T0 + 60);
    await depths(deps, { mail: 20, push: 10 });
    deps.clock.at(T0 + 60 + 301); // past the 5-minute lookback of sms's last point
    await depths(deps, { mail: 20, push: 10 });
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
    const closed = (await listAlerts(deps, 'acme', { withClosed: true, limit: 100 })).items;
    expect(closed.map((a) => [a.series?.labels.queue, a.status]).sort()).toEqual([
      ['mail', 'OK'],
      ['sms', 'OK'],
    ]);

    // A query that fails when evaluated is one UNKNOWN alert on the monitor, with the reason.
    await updateMonitor(deps, 'acme', monitor.id, {
      type: 'query',
      name: 'queue backlog',
      query: 'queue.depth + on() queue.depth',
      operator: '>',
      warning: 50,
      critical: 100,
    });
    await check(deps);
    const [unknown, ...none] = await openAlerts(deps);
    expect(none).toEqual([]);
    expect(unknown).toMatchObject({ status: 'UNKNOWN', monitorId: monitor.id });
    expect(unknown?.message).toMatch(/Query error: .*many-to-one matching must be explicit|duplicate series/);
  });

  it('refuses a query that does not parse, or gives a range vector, storing nothing', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const before = (await deps.entities.monitors.list('acme')).length;
    for (const query of ['sum(', 'queue.depth[5m]', 'rate(x[5m:1m])'])
      await expect(
        createMonitor(deps, 'acme', {
          type: 'query',
          name: 'bad',
          query,
          operator: '>',
          warning: 1,
          critical: 2,
        }),
      ).rejects.toBeInstanceOf(ValidationError);
    expect(await deps.entities.monitors.list('acme')).toHaveLength(before);
  });
});
