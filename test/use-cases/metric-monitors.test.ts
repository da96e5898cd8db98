import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setHostStatuses } from '#shared/use-cases/hosts/change-host.ts';
import { postServiceMetrics } from '#shared/use-cases/metrics/post-metrics.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { reportChecks } from '#shared/use-cases/monitoring/check-reports.ts';
import {
  evaluateHostMetricMonitors,
  evaluateServiceMetricMonitors,
} from '#shared/use-cases/monitoring/evaluate-metrics.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';
import { monitoredStatuses } from '#shared/use-cases/monitoring/monitored-statuses.ts';
import { createMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { createService } from '#shared/use-cases/services/services.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { addHost, agentPost, check, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_040;
const directory = new MonitorDirectory(0);

/** Posts the values at the clock's time and evaluates as the ingest function does. */
async function post(deps: MonitoringDeps, hostId: string, values: Record<string, number>) {
  await agentPost(deps, hostId, values);
  const time = Math.floor(deps.clock.now() / 1000);
  await evaluateHostMetricMonitors(
    deps,
    directory,
    'acme',
    hostId,
    Object.entries(values).map(([name, value]) => ({ name, time, value })),
  );
}

const open = async (deps: MonitoringDeps) =>
  (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;

describe('host metric monitors, evaluated on ingest', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('averages over duration minutes, needs maxCheckAttempts breaches, honours scopes', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const web = await addHost(deps, 'web', ['shop:web']);
    const db = await addHost(deps, 'db', ['shop:db']);
    const m = await createMonitor(deps, 'acme', {
      type: 'host',
      name: 'load',
      metric: 'loadavg5',
      operator: '>',
      warning: 2,
      critical: 4,
      duration: 3,
      maxCheckAttempts: 2,
      scopes: ['shop'],
      excludeScopes: ['shop: db'],
    });
    const series = [1, 1, 7, 7, 7, 7];
    for (const [i, v] of series.entries()) {
      deps.clock.at(T0 + i * 60);
      await post(deps, web, { loadavg5: v });
      await post(deps, db, { loadavg5: 100 });
    }
    // Averages over 3 minutes: 1, 1, 3 (WARNING #1), 5 (CRITICAL #2 → opens), 7, 7.
    const alerts = await open(deps);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      monitorId: m.id,
      hostId: web,
      type: 'host',
      status: 'CRITICAL',
      value: 5,
      openedAt: T0 + 180,
    });
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open']);
    const event = deps.notifications.jobs[0]?.event;
    expect(event && 'monitor' in event && event.monitor).toMatchObject({
      metric: 'loadavg5',
      operator: '>',
      critical: 4,
    });

    deps.clock.at(T0 + 6 * 60);
    await post(deps, web, { loadavg5: 3 }); // avg(7,7,3) = 5.67: still critical
    for (const i of [7, 8]) {
      deps.clock.at(T0 + i * 60);
      await post(deps, web, { loadavg5: 0 });
    }
    // avg(7,3,0) = 3.33 → WARNING (a change); avg(3,0,0) = 1 → OK closes.
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open', 'change', 'close']);
    expect(await open(deps)).toEqual([]);
  });

  it('evaluates cpu%, memory%, disk% from the agent’s own metrics', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'busy');
    for (const metric of ['cpu%', 'memory%', 'disk%'])
      await createMonitor(deps, 'acme', {
        type: 'host',
        name: metric,
        metric,
        operator: '>',
        warning: null,
        critical: 80,
        duration: 1,
      });
    await post(deps, host, {
      'cpu.user.percentage': 170,
      'cpu.system.percentage': 20,
      'cpu.idle.percentage': 10,
      'memory.total': 1000,
      'memory.used': 100,
      'filesystem.vda1.size': 100,
      'filesystem.vda1.used': 85,
    });
    const alerts = await open(deps);
    const monitors = await deps.entities.monitors.list('acme');
    const names = alerts.map((a) => monitors.find((m) => m.id === a.monitorId)?.name).sort();
    expect(names).toEqual(['cpu%', 'disk%']);
    expect(alerts.find((a) => a.value === 95)).toBeDefined();
  });

  it('does not evaluate late backlog points, nor hosts in maintenance', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'late');
    await createMonitor(deps, 'acme', {
      type: 'host',
      name: 'l',
      metric: 'loadavg5',
      operator: '>',
      warning: null,
      critical: 1,
      duration: 1,
    });
    deps.clock.at(T0 + 3600);
    await agentPost(deps, host, { loadavg5: 9 });
    await evaluateHostMetricMonitors(deps, directory, 'acme', host, [
      { name: 'loadavg5', time: T0 + 3000, value: 9 },
    ]);
    expect(await open(deps)).toEqual([]);
    await setHostStatuses(deps, 'acme', [host], 'maintenance');
    await post(deps, host, { loadavg5: 9 });
    expect(await open(deps)).toEqual([]);
  });
});

describe('service metric monitors', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('averages the last duration points, and alerts on missing data from the checker', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    await createService(deps, 'acme', 'shop', '');
    const m = await createMonitor(deps, 'acme', {
      type: 'service',
      name: 'errors',
      service: 'shop',
      metric: 'app.errors',
      operator: '>',
      warning: null,
      critical: 10,
      duration: 2,
      missingDurationCritical: 10,
    });
    const owners = new WritableOwners(deps.clock, 0);
    for (const [i, v] of [5, 30].entries()) {
      deps.clock.at(T0 + i * 60);
      const points = [{ name: 'app.errors', time: T0 + i * 60, value: v }];
      await postServiceMetrics(deps, owners, 'acme', 'shop', points);
      await evaluateServiceMetricMonitors(deps, directory, 'acme', 'shop', points);
    }
    expect((await open(deps)).map((a) => [a.type, a.value])).toEqual([['service', 17.5]]);
    deps.clock.at(T0 + 60 + 9 * 60);
    await check(deps);
    expect(await open(deps)).toHaveLength(1);
    deps.clock.at(T0 + 60 + 10 * 60);
    await check(deps);
    const alerts = await open(deps);
    expect(alerts).toHaveLength(2);
    expect(alerts.find((a) => a.message?.startsWith('No data of app.errors'))?.monitorId).toBe(m.id);
  });
});

describe('check reports', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  const report = (hostId: string, status: 'OK' | 'CRITICAL' | 'WARNING', occurredAt: number, extra = {}) => ({
    source: { type: 'host' as const, hostId },
    name: 'check-nginx',
    status,
    message: `nginx is ${status}\n`,
    occurredAt,
    ...extra,
  });

  it('makes the check monitor on demand, opens after maxCheckAttempts, ignores repeats and stale reports, OK closes', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'app');
    await reportChecks(deps, 'acme', [report(host, 'CRITICAL', T0 - 6 * 3600)]);
    expect(await deps.entities.monitors.list('acme')).toHaveLength(1); // only connectivity: stale report ignored
    await reportChecks(deps, 'acme', [report(host, 'CRITICAL', T0 - 60, { maxCheckAttempts: 2 })]);
    await reportChecks(deps, 'acme', [report(host, 'CRITICAL', T0 - 60, { maxCheckAttempts: 2 })]);
    expect(await open(deps)).toEqual([]);
    await reportChecks(deps, 'acme', [report(host, 'CRITICAL', T0, { maxCheckAttempts: 2 })]);
    const [alert] = await open(deps);
    expect(alert).toMatchObject({
      type: 'check',
      hostId: host,
      status: 'CRITICAL',
      message: 'nginx is CRITICAL\n',
    });
    const statuses = await monitoredStatuses(deps, 'acme', host);
    expect(statuses.find((s) => s.detail)).toEqual({
      monitorId: alert?.monitorId,
      status: 'CRITICAL',
      detail: { type: 'check', message: 'nginx is CRITICAL\n' },
    });
    await reportChecks(deps, 'acme', [report(host, 'OK', T0 + 60)]);
    expect(await open(deps)).toEqual([]);
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open', 'close']);
  });

  it('refuses reports for hosts of another organization, applying none', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const mine = await addHost(deps, 'mine');
    await expect(
      reportChecks(deps, 'acme', [report(mine, 'CRITICAL', T0), report('someone-elses', 'CRITICAL', T0)]),
    ).rejects.toThrow(/Host Not Found/);
    expect(await deps.entities.alertStates.list('acme')).toEqual([]);
  });
});
