import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retireHosts, setHostStatuses } from '#shared/use-cases/hosts/change-host.ts';
import { reindexHostSummaries } from '#shared/use-cases/hosts/host-summaries.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { closeHostAlerts } from '#shared/use-cases/monitoring/close-alerts.ts';
import { createDowntime } from '#shared/use-cases/monitoring/downtimes.ts';
import { listMonitors, updateMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { ChannelHealth } from '#shared/use-cases/notifications/channel-health.ts';
import { notificationDelivery } from '#shared/use-cases/notifications/deliver.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { addHost, agentPost, check, monitoringWorld, RecordingEmail } from '../support/monitoring.ts';

const T0 = 1_800_000_000;

describe('connectivity: the checker and silent agents', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  const openAlerts = async (deps: Parameters<typeof listAlerts>[0]) =>
    (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;

  it('one lost post raises nothing; silence past the timeout raises one alert and one email, recovery one more', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'web-1');
    await agentPost(deps, host);
    // The next post is lost; the one after arrives 120 s after the last.
    deps.clock.at(T0 + 60);
    await check(deps);
    deps.clock.at(T0 + 120);
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
    await agentPost(deps, host);
    // Then the agent dies. 150 s of silence are tolerated, 151 are not.
    deps.clock.at(T0 + 120 + 150);
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
    deps.clock.at(T0 + 120 + 151);
    await check(deps);
    const [alert, ...more] = await openAlerts(deps);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      type: 'connectivity',
      status: 'CRITICAL',
      hostId: host,
      openedAt: T0 + 271,
      isOpen: true,
    });
    expect(deps.notifications.jobs).toHaveLength(1);
    expect(deps.notifications.jobs[0]).toMatchObject({
      channelId: 'default-channel',
      event: { kind: 'open' },
    });

    // Later runs while it stays silent change nothing and send nothing (no notificationInterval).
    deps.clock.at(T0 + 600);
    await check(deps);
    expect(deps.notifications.jobs).toHaveLength(1);

    await agentPost(deps, host);
    deps.clock.at(T0 + 660);
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open', 'close']);
    expect((await deps.entities.alerts.get('acme', alert?.id as string))?.closedAt).toBe(T0 + 660);
    expect(await deps.entities.alertStates.list('acme')).toEqual([]);

    const email = new RecordingEmail();
    const http = { request: () => Promise.reject(new Error('unused')) };
    const deliver = notificationDelivery(deps, { email, http }, { health: new ChannelHealth() });
    for (const job of deps.notifications.jobs) expect(await deliver(job)).toBe('sent');
    expect(email.sent.map((m) => m.to)).toEqual([['ops@example.com'], ['ops@example.com']]);
    expect(email.sent[0]?.subject).toBe('[saba] [acme] CRITICAL: connectivity on web-1');
    expect(email.sent[1]?.text).toContain('Recovered');
  });

  it('two checkers at once, or one run twice, open one alert and queue one notification', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hosts = await Promise.all(['a', 'b', 'c'].map((n) => addHost(deps, n)));
    for (const h of hosts) await agentPost(deps, h);
    deps.clock.at(T0 + 200);
    await Promise.all([check(deps), check(deps), check(deps)]);
    await check(deps);
    const alerts = await openAlerts(deps);
    expect(alerts.map((a) => a.hostId).sort()).toEqual([...hosts].sort());
    expect(deps.notifications.jobs).toHaveLength(3);
    expect(new Set(deps.notifications.jobs.map((j) => j.eventId)).size).toBe(3);
    const logs = await deps.entities.alertLogs.page('acme', alerts[0]?.id as string, 100);
    expect(logs.items).toHaveLength(1);
  });

  it('finishes the effects of a run that died after writing the state', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'crashy');
    await agentPost(deps, host);
    deps.clock.at(T0 + 200);
    // A run that dies between the state write and its effects: the queue fails once.
    const send = deps.notifications.send.bind(deps.notifications);
    let fail = true;
    deps.notifications.send = async (jobs) => {
      if (fail) {
        fail = false;
        throw new Error('queue unavailable');
      }
      return send(jobs);
    };
    await check(deps);
    expect(deps.notifications.jobs).toHaveLength(0);
    const [state] = await deps.entities.alertStates.list('acme');
    expect(state?.pending).toHaveLength(1);
    deps.clock.at(T0 + 260);
    await check(deps);
    expect(deps.notifications.jobs).toHaveLength(1);
    expect((await openAlerts(deps)).map((a) => a.hostId)).toEqual([host]);
    expect((await deps.entities.alertStates.list('acme'))[0]?.pending).toEqual([]);
  });

  it('standby alerts without notifying; maintenance and poweroff are not monitored; retiring closes', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const [standby, maint, off] = await Promise.all(['s', 'm', 'p'].map((n) => addHost(deps, n)));
    await setHostStatuses(deps, 'acme', [standby as string], 'standby');
    await setHostStatuses(deps, 'acme', [maint as string], 'maintenance');
    await setHostStatuses(deps, 'acme', [off as string], 'poweroff');
    deps.clock.at(T0 + 300);
    await check(deps);
    const alerts = await openAlerts(deps);
    expect(alerts.map((a) => a.hostId)).toEqual([standby]);
    expect(deps.notifications.jobs).toEqual([]);
    await retireHosts(deps, 'acme', [standby as string]);
    expect(await closeHostAlerts(deps, 'acme', [standby as string])).toBe(1);
    expect(await openAlerts(deps)).toEqual([]);
    const closed = await deps.entities.alerts.get('acme', alerts[0]?.id as string);
    expect(closed).toMatchObject({ isOpen: false, status: 'OK', reason: 'Host retired' });
    const logs = await deps.entities.alertLogs.page('acme', closed?.id as string, 10);
    expect(logs.items.map((l) => l.trigger)).toEqual(['hostRetire', 'monitoring']);
    deps.clock.at(T0 + 900);
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
  });

  it('a downtime in force keeps silent hosts from alerting; after it, they alert', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'patched', ['shop:web']);
    await createDowntime(deps, 'acme', {
      name: 'patching',
      start: T0,
      duration: 30,
      serviceScopes: ['shop'],
    });
    deps.clock.at(T0 + 600);
    await check(deps);
    expect(await openAlerts(deps)).toEqual([]);
    deps.clock.at(T0 + 31 * 60);
    await check(deps);
    expect((await openAlerts(deps)).map((a) => a.hostId)).toEqual([host]);
  });

  it('re-notifies every notificationInterval while silent; a muted monitor opens alerts and tells nobody', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const [connectivity] = await listMonitors(deps, 'acme');
    await updateMonitor(deps, 'acme', connectivity?.id as string, {
      type: 'connectivity',
      name: 'connectivity',
      notificationInterval: 10,
    });
    const host = await addHost(deps, 'web');
    await agentPost(deps, host);
    for (const t of [200, 500, 799, 800, 1400]) {
      deps.clock.at(T0 + t);
      await check(deps);
    }
    expect(deps.notifications.jobs.map((j) => `${j.event.kind}@${j.event.at - T0}`)).toEqual([
      'open@200',
      'renotify@800',
      'renotify@1400',
    ]);

    const muted = await monitoringWorld(dynamo, T0);
    const [m] = await listMonitors(muted, 'acme');
    await updateMonitor(muted, 'acme', m?.id as string, {
      type: 'connectivity',
      name: 'connectivity',
      isMute: true,
    });
    await addHost(muted, 'quiet');
    muted.clock.at(T0 + 300);
    await check(muted);
    expect(await openAlerts(muted)).toHaveLength(1);
    expect(muted.notifications.jobs).toEqual([]);
  });

  it('a restarted local checker does not hold the silence before its start against anyone', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    await addHost(deps, 'quiet-while-we-were-down');
    deps.clock.at(T0 + 3600);
    await check(deps, { watchingSince: T0 + 3600 - 60 });
    expect(await openAlerts(deps)).toEqual([]);
    deps.clock.at(T0 + 3600 + 100);
    await check(deps, { watchingSince: T0 + 3600 - 60 });
    const [open] = await openAlerts(deps);
    expect(open).toBeDefined();
    // Restarted again while the alert is open: it stays open (no OK, no second alert).
    const restarted = T0 + 3600 + 120;
    deps.clock.at(restarted + 10);
    await check(deps, { watchingSince: restarted });
    expect(await openAlerts(deps)).toEqual([open]);
    expect(deps.notifications.jobs.map((j) => j.event.kind)).toEqual(['open']);
  });
});

describe('host summaries (what the checker reads of every host)', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('follow every host save, drop retired hosts, and are rebuilt for hosts saved without them', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const a = await addHost(deps, 'a', ['shop:web']);
    const b = await addHost(deps, 'b');
    await setHostStatuses(deps, 'acme', [a], 'maintenance');
    const byId = async () => new Map((await deps.entities.hosts.listSummaries('acme')).map((s) => [s.id, s]));
    expect((await byId()).get(a)).toEqual({
      id: a,
      name: 'a',
      status: 'maintenance',
      isRetired: false,
      createdAt: T0,
      roles: { shop: ['web'] },
      memo: '',
    });
    await retireHosts(deps, 'acme', [b]);
    expect([...(await byId()).keys()]).toEqual([a]);
    await deps.entities.hosts.removeSummary('acme', a);
    await deps.entities.hosts.putSummary('acme', {
      id: 'ghost',
      name: 'g',
      status: 'working',
      isRetired: false,
      createdAt: T0,
      roles: {},
      memo: '',
    });
    expect(await reindexHostSummaries(deps, 'acme')).toBe(2);
    expect([...(await byId()).keys()]).toEqual([a]);
    expect(await reindexHostSummaries(deps, 'acme')).toBe(0);
  });
});
