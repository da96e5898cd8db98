import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { recordAnomalyFeatures } from '#shared/use-cases/monitoring/anomaly-features.ts';
import { trainAnomalyModels } from '#shared/use-cases/monitoring/anomaly-training.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';
import { monitoredStatuses } from '#shared/use-cases/monitoring/monitored-statuses.ts';
import { createMonitor, deleteMonitor, updateMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { retireAndCloseAlerts } from '#shared/use-cases/retire-hosts.ts';
import { generateRole } from '../../bench/anomaly/generate.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { addHost, agentPost, check, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const directory = new MonitorDirectory(0);
/** Seed 43: the unit tests use 42, the benchmark its own held-out seeds. */
const role = generateRole({ seed: 43, hosts: 4, days: 2, trainDays: 1, anomalies: 0 });
const HISTORY_MINUTES = 1440 + 60;
const T0 = role.start + HISTORY_MINUTES * 60;

/** Posts host `h`'s values of minute `i` at the clock's time, and records features as ingest does. */
async function post(deps: MonitoringDeps, hostId: string, values: Record<string, number>) {
  await agentPost(deps, hostId, values);
  const time = Math.floor(deps.clock.now() / 1000);
  await recordAnomalyFeatures(
    deps,
    directory,
    'acme',
    hostId,
    Object.entries(values).map(([name, value]) => ({ name, time, value })),
  );
}

const open = async (deps: MonitoringDeps) =>
  (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;

describe('role anomaly detection through the store, the ingest hook, the training and the checker', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('trains on a day of history, alerts on the host whose network drops, names the metrics, closes on recovery', {
    timeout: 120_000,
  }, async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hosts: string[] = [];
    for (let h = 0; h < 4; h++) hosts.push(await addHost(deps, `web-${h}`, ['shop:web']));
    // A day and an hour of history, written as the store keeps it (ingest refuses points that old).
    for (const [h, hostId] of hosts.entries()) {
      const points = [];
      for (let i = 0; i < HISTORY_MINUTES; i++)
        for (const [name, value] of Object.entries(role.values(h, i)))
          points.push({ name, time: role.start + i * 60, value });
      await deps.metrics.write('acme', { kind: 'host', id: hostId }, points, T0);
    }
    const m = await createMonitor(deps, 'acme', {
      type: 'anomalyDetection',
      name: 'web anomalies',
      scopes: ['shop: web'],
      warningSensitivity: 'normal',
      criticalSensitivity: 'insensitive',
    });
    expect(m).toMatchObject({ scopes: ['shop:web'] });

    const trained = await trainAnomalyModels(deps, 'acme');
    expect(trained).toMatchObject({ monitors: 1, trained: 1, hosts: 4 });
    expect(trained.pointsRead).toBe(4 * 13 * HISTORY_MINUTES);
    // Nothing is due an hour later: models are remade daily.
    deps.clock.at(T0 + 3600);
    expect(await trainAnomalyModels(deps, 'acme')).toMatchObject({ trained: 0 });
    deps.clock.at(T0);

    // Live minutes: the role behaves as it did, then web-2's network drops to nothing.
    const minute = (i: number) => {
      const values = hosts.map((_, h) => role.values(h, i % 1440));
      if (i >= HISTORY_MINUTES + 5) {
        const down = values[2] as Record<string, number>;
        down['interface.eth0.rxBytes.delta'] = 20;
        down['interface.eth0.txBytes.delta'] = 20;
      }
      return values;
    };
    for (let i = HISTORY_MINUTES; i < HISTORY_MINUTES + 12; i++) {
      deps.clock.at(role.start + i * 60);
      for (const [h, values] of minute(i).entries()) await post(deps, hosts[h] as string, values);
      await check(deps);
    }
    const alerts = await open(deps);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0];
    expect(alert).toMatchObject({
      monitorId: m.id,
      hostId: hosts[2],
      type: 'anomalyDetection',
      status: 'CRITICAL',
    });
    // Opened on the third abnormal minute (maxCheckAttempts 3 by default).
    expect(alert?.openedAt).toBe(role.start + (HISTORY_MINUTES + 7) * 60);
    expect(alert?.message).toMatch(/network (received|sent) 20 B\/s \(expected [\d.]+ (kB|MB)\/s\)/);
    expect(alert?.message).not.toMatch(/peers only/);
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open']);
    // The host's monitored statuses name the monitor with the alert's status; a peer's is OK.
    expect(await monitoredStatuses(deps, 'acme', hosts[2] as string)).toContainEqual({
      monitorId: m.id,
      status: 'CRITICAL',
    });
    expect(await monitoredStatuses(deps, 'acme', hosts[0] as string)).toContainEqual({
      monitorId: m.id,
      status: 'OK',
    });
    const scores = await deps.entities.anomaly.roleScores.get('acme', `${m.id}#shop:web`);
    expect(Object.keys(scores?.hosts ?? {}).sort()).toEqual([...hosts].sort());
    expect(scores?.hosts[hosts[2] as string]?.drivers?.[0]?.feature).toMatch(/^network/);

    // The network comes back: the next minute closes the alert.
    const i = HISTORY_MINUTES + 12;
    deps.clock.at(role.start + i * 60);
    for (const [h, values] of hosts.map((_, h) => role.values(h, i % 1440)).entries())
      await post(deps, hosts[h] as string, values);
    await check(deps);
    expect(await open(deps)).toEqual([]);

    // Deleting the monitor leaves no model behind after the next training run.
    await deleteMonitor(deps, 'acme', m.id);
    await trainAnomalyModels(deps, 'acme');
    expect(await deps.entities.anomaly.models.list('acme')).toEqual([]);
    expect(await deps.entities.anomaly.trainings.list('acme')).toEqual([]);
  });

  it('judges a host with too little history against its peers only, and says so in the alert', {
    timeout: 60_000,
  }, async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hosts: string[] = [];
    for (let h = 0; h < 4; h++) hosts.push(await addHost(deps, `new-${h}`, ['shop:web']));
    await createMonitor(deps, 'acme', {
      type: 'anomalyDetection',
      name: 'young role',
      scopes: ['shop:web'],
      warningSensitivity: 'sensitive',
    });
    // A run out of time leaves the monitor due for the next one.
    expect(await trainAnomalyModels(deps, 'acme', { exhausted: () => true })).toMatchObject({
      trained: 0,
      deferred: 1,
    });
    expect(await trainAnomalyModels(deps, 'acme')).toMatchObject({ trained: 1, deferred: 0, hosts: 0 });
    const training = (await deps.entities.anomaly.trainings.list('acme'))[0];
    expect(training?.youngHostIds.sort()).toEqual([...hosts].sort());
    for (let i = 0; i < 6; i++) {
      deps.clock.at(T0 + i * 60);
      for (const [h, hostId] of hosts.entries()) {
        const values = role.values(h, 600 + i);
        if (h === 1) values['interface.eth0.rxBytes.delta'] = 0;
        await post(deps, hostId, values);
      }
      await check(deps);
    }
    const alerts = await open(deps);
    expect(alerts.map((a) => a.hostId)).toEqual([hosts[1]]);
    expect(alerts[0]?.message).toMatch(/network received 0 B\/s/);
    expect(alerts[0]?.message).toMatch(/too little history: judged against role peers only/);
    // Young hosts are looked at again within the hour.
    deps.clock.at(T0 + 3600);
    expect(await trainAnomalyModels(deps, 'acme')).toMatchObject({ trained: 1 });
  });

  it('refuses services, hosts, small roles, a second monitor on a role and a training period too short or ahead', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hosts: string[] = [];
    for (let h = 0; h < 3; h++) hosts.push(await addHost(deps, `app-${h}`, ['shop:app']));
    await addHost(deps, 'lonely', ['shop:batch']);
    const body = {
      type: 'anomalyDetection' as const,
      name: 'a',
      scopes: ['shop:app'],
      warningSensitivity: 'normal' as const,
    };
    const refusal = (over: Record<string, unknown>) =>
      createMonitor(deps, 'acme', { ...body, ...over } as typeof body).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
    expect(await refusal({ scopes: ['shop'] })).toMatch(
      /"shop" names a service: anomaly detection watches roles/,
    );
    expect(await refusal({ scopes: [hosts[0]] })).toMatch(/names a host: anomaly detection watches roles/);
    expect(await refusal({ scopes: ['shop:batch'] })).toMatch(
      /has 1 host: anomaly detection needs at least 3/,
    );
    expect(await refusal({ scopes: ['shop:nothing'] })).toMatch(/role that does not exist/);
    expect(await refusal({ trainingPeriodFrom: T0 + 60 })).toMatch(/trainingPeriodFrom is in the future/);
    expect(await refusal({ trainingPeriodFrom: T0 - 3600 })).toMatch(/less than a day/);
    const first = await createMonitor(deps, 'acme', { ...body, trainingPeriodFrom: T0 - 7 * 86400 });
    expect(await refusal({ name: 'b' })).toMatch(/already watched by anomaly detection monitor "a"/);
    // The monitor itself may be saved again with its role.
    const again = await updateMonitor(deps, 'acme', first.id, { ...body, maxCheckAttempts: 5 });
    expect(again).toMatchObject({ id: first.id, maxCheckAttempts: 5, scopes: ['shop:app'] });
    expect(
      (await deps.entities.monitors.list('acme')).filter((x) => x.type === 'anomalyDetection'),
    ).toHaveLength(1);
    // A role that shrank since does not stop the monitor being saved again (`mkr monitors push`).
    await retireAndCloseAlerts(deps, 'acme', [hosts[0] as string]);
    expect(await updateMonitor(deps, 'acme', first.id, { ...body, maxCheckAttempts: 5 })).toMatchObject({
      scopes: ['shop:app'],
    });
    expect(await refusal({ name: 'c', scopes: ['shop:batch', 'shop:app'] })).toMatch(/has 1 host/);
  });
});
