import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertGroupEvent, NotificationJob } from '#shared/domain/monitoring/notification.ts';
import { isAlertGroupEvent } from '#shared/domain/monitoring/notification.ts';
import { ValidationError } from '#shared/errors.ts';
import type { HttpCall } from '#shared/ports/notifications.ts';
import { setHostStatuses } from '#shared/use-cases/hosts/change-host.ts';
import {
  createAlertGroupSetting,
  deleteAlertGroupSetting,
  updateAlertGroupSetting,
} from '#shared/use-cases/monitoring/alert-group-settings.ts';
import {
  closeGroupOfSetting,
  getAlertGroup,
  listAlertGroups,
} from '#shared/use-cases/monitoring/alert-groups.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { closeAlertManually } from '#shared/use-cases/monitoring/close-alerts.ts';
import { listMonitors } from '#shared/use-cases/monitoring/monitors.ts';
import { ChannelHealth } from '#shared/use-cases/notifications/channel-health.ts';
import { createChannel } from '#shared/use-cases/notifications/channels.ts';
import { notificationDelivery } from '#shared/use-cases/notifications/deliver.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import {
  addHost,
  agentPost,
  check,
  type MonitoringDeps,
  monitoringWorld,
  RecordingEmail,
} from '../support/monitoring.ts';

const T0 = 1_800_000_000;
const SILENT = 151;

/** What each channel was sent: `alert:<kind>:<host>` or `group:<kind>`. */
function sentTo(deps: MonitoringDeps, channelId: string): string[] {
  return deps.notifications.jobs
    .filter((j) => j.channelId === channelId)
    .map((j) =>
      isAlertGroupEvent(j.event)
        ? `group:${j.event.kind}`
        : `alert:${j.event.kind}:${(j.event as AlertEvent).host?.name}`,
    );
}

const groupsTo = (deps: MonitoringDeps, channelId: string) =>
  sentTo(deps, channelId).filter((s) => s.startsWith('group:'));

const groupEvents = (deps: MonitoringDeps): AlertGroupEvent[] =>
  deps.notifications.jobs.map((j) => j.event).filter(isAlertGroupEvent);

describe('alert groups: alerts in scope gathered, one notification per group open and close', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  /** Five web hosts and one db host posting; a channel taking both events, one taking alerts only. */
  async function shop(interval?: number) {
    const deps = await monitoringWorld(dynamo, T0);
    const web = [];
    for (let i = 1; i <= 5; i++) web.push(await addHost(deps, `web-${i}`, ['shop:web']));
    const db = await addHost(deps, 'db-1', ['shop:db']);
    for (const h of [...web, db]) await agentPost(deps, h);
    const both = await createChannel(deps, 'acme', {
      type: 'webhook',
      name: 'both',
      url: 'https://hooks.example.com/both',
      events: ['alert', 'alertGroup'],
      addToDefaultNotificationGroup: true,
    });
    const alertsOnly = await createChannel(deps, 'acme', {
      type: 'webhook',
      name: 'alerts',
      url: 'https://hooks.example.com/alerts',
      events: ['alert'],
      addToDefaultNotificationGroup: true,
    });
    const setting = await createAlertGroupSetting(deps, 'acme', {
      name: 'web fleet',
      memo: 'page the web team',
      roleScopes: ['shop: web'],
      ...(interval !== undefined && { notificationInterval: interval }),
    });
    return { deps, web, db, both: both.id, alertsOnly: alertsOnly.id, setting };
  }

  it('five hosts silent at once make one group; its channel hears the group once, the others every alert', async () => {
    const { deps, web, db, both, alertsOnly, setting } = await shop();
    deps.clock.at(T0 + SILENT);
    // Two checkers at once: the five alerts join one group whatever the interleaving.
    await Promise.all([check(deps), check(deps)]);

    const [group, ...others] = await listAlertGroups(deps, 'acme');
    expect(others).toEqual([]);
    expect(group).toMatchObject({
      settingId: setting.id,
      isOpen: true,
      status: 'CRITICAL',
      openedAt: T0 + SILENT,
    });
    expect(Object.keys(group?.openAlerts ?? {})).toHaveLength(5);
    const detail = await getAlertGroup(deps, 'acme', group?.id as string);
    expect(detail.alerts.map((a) => a.hostId).sort()).toEqual([...web].sort());

    expect(sentTo(deps, both).sort()).toEqual(['alert:open:db-1', 'group:open']);
    expect(sentTo(deps, alertsOnly).sort()).toEqual(
      ['db-1', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5'].map((h) => `alert:open:${h}`),
    );
    expect(sentTo(deps, 'default-channel')).toHaveLength(6);
    const [opened] = groupEvents(deps);
    expect(opened).toMatchObject({
      kind: 'open',
      setting: { id: setting.id, name: 'web fleet', memo: 'page the web team' },
      group: { id: group?.id, status: 'CRITICAL', isOpen: true },
      alert: { monitorName: 'connectivity', status: 'CRITICAL' },
    });

    // Four recover: the group stays open and says nothing; the last one closes it, told once.
    deps.clock.at(T0 + SILENT + 60);
    for (const h of [...web.slice(0, 4), db]) await agentPost(deps, h);
    await check(deps);
    expect(sentTo(deps, both).slice(2)).toEqual(['alert:close:db-1']);
    expect((await listAlertGroups(deps, 'acme'))[0]).toMatchObject({ isOpen: true });
    await agentPost(deps, web[4] as string);
    deps.clock.at(T0 + SILENT + 120);
    await check(deps);
    await check(deps);
    expect(sentTo(deps, both).slice(2)).toEqual(['alert:close:db-1', 'group:close']);
    const [closed] = await listAlertGroups(deps, 'acme');
    expect(closed).toMatchObject({ id: group?.id, isOpen: false, status: 'OK', closedAt: T0 + SILENT + 120 });
    expect(closed?.alertIds).toHaveLength(5);

    // The next silence opens a new group.
    deps.clock.at(T0 + SILENT + 120 + SILENT);
    await agentPost(deps, db);
    await check(deps);
    const groups = await listAlertGroups(deps, 'acme');
    expect(groups.map((g) => g.isOpen)).toEqual([true, false]);
    expect(groups[0]?.id).not.toBe(group?.id);
  });

  it('a webhook hears the group in its own shape, and the email names the setting and the count', async () => {
    const { deps, both } = await shop();
    deps.clock.at(T0 + SILENT);
    await check(deps);
    const bodies: Record<string, unknown>[] = [];
    const http = {
      request: async (r: HttpCall) => {
        bodies.push(JSON.parse(r.body ?? '{}'));
        return { status: 200, body: '', elapsedMs: 1 };
      },
    };
    const email = new RecordingEmail();
    const deliver = notificationDelivery(
      deps,
      { email, http, consoleUrl: 'https://saba.example.com' },
      { health: new ChannelHealth() },
    );
    const jobs: NotificationJob[] = deps.notifications.jobs;
    for (const job of jobs) await deliver(job);
    const groupBody = bodies.find((b) => b.event === 'alertGroup');
    expect(groupBody).toMatchObject({
      orgName: 'acme',
      event: 'alertGroup',
      memo: 'page the web team',
      alertGroupSetting: { name: 'web fleet' },
      // As it was when it opened: its first alert.
      alertGroup: { status: 'critical', isOpen: true, openAlerts: 1, alerts: 1 },
    });
    expect((groupBody?.alertGroup as { url?: string } | undefined)?.url).toMatch(
      /^https:\/\/saba\.example\.com\/#\/alert-groups\//,
    );
    expect(bodies.filter((b) => b.event === 'alert')).toHaveLength(6 + 1); // 6 to "alerts", db-1 to "both"
    expect(jobs.filter((j) => j.channelId === both)).toHaveLength(2);
    expect(email.sent).toHaveLength(6);
  });

  it('resends an open group at its interval, never sooner, and stops once it closes', async () => {
    const { deps, web, both } = await shop(10);
    deps.clock.at(T0 + SILENT);
    await check(deps);
    for (const t of [5, 9]) {
      deps.clock.at(T0 + SILENT + t * 60);
      await check(deps);
    }
    expect(groupsTo(deps, both)).toEqual(['group:open']);
    deps.clock.at(T0 + SILENT + 10 * 60);
    await check(deps);
    await check(deps);
    expect(groupsTo(deps, both)).toEqual(['group:open', 'group:renotify']);
    deps.clock.at(T0 + SILENT + 20 * 60);
    await check(deps);
    expect(groupsTo(deps, both)).toEqual(['group:open', 'group:renotify', 'group:renotify']);
    for (const h of web) await agentPost(deps, h);
    deps.clock.at(T0 + SILENT + 21 * 60);
    await check(deps);
    deps.clock.at(T0 + SILENT + 40 * 60);
    for (const h of web) await agentPost(deps, h);
    await check(deps);
    expect(groupsTo(deps, both)).toEqual(['group:open', 'group:renotify', 'group:renotify', 'group:close']);
  });

  it("a standby host's alert opens a group quietly; the first alert anyone hears of tells of it", async () => {
    const { deps, web, both } = await shop();
    await setHostStatuses(deps, 'acme', [web[0] as string], 'standby');
    for (const h of web.slice(1)) {
      deps.clock.at(T0 + 100);
      await agentPost(deps, h);
    }
    deps.clock.at(T0 + SILENT);
    await check(deps);
    const [quiet] = await listAlertGroups(deps, 'acme');
    expect(quiet).toMatchObject({ isOpen: true });
    expect(quiet?.notifiedBy).toBeUndefined();
    expect(sentTo(deps, both)).toEqual(['alert:open:db-1']);

    deps.clock.at(T0 + 100 + SILENT);
    await check(deps);
    expect(sentTo(deps, both)).toEqual(['alert:open:db-1', 'group:open']);
    // It tells of the group as it is then: the standby host's alert and the first heard of.
    expect(groupEvents(deps)[0]?.group).toMatchObject({ id: quiet?.id, openAlerts: 2 });
    expect(groupEvents(deps)[0]?.alert?.status).toBe('CRITICAL');
  });

  it('a manual close leaves the group (closing it, told), and a deleted setting closes its group quietly', async () => {
    const { deps, web, both, setting } = await shop();
    deps.clock.at(T0 + SILENT);
    for (const h of web.slice(2)) await agentPost(deps, h);
    await check(deps);
    const open = (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items.filter(
      (a) => a.hostId === web[0] || a.hostId === web[1],
    );
    expect(open).toHaveLength(2);
    for (const a of open) await closeAlertManually(deps, 'acme', a.id, 'known');
    expect(sentTo(deps, both)).toEqual(['alert:open:db-1', 'group:open', 'group:close']);
    expect(groupEvents(deps)[1]?.alert).toMatchObject({ status: 'OK', message: 'known' });

    // The alerts open again (their condition persists), in a new group; deleting the setting closes it quietly.
    deps.clock.at(T0 + SILENT + 60);
    await check(deps);
    const [reopened] = await listAlertGroups(deps, 'acme');
    expect(reopened).toMatchObject({ isOpen: true });
    await deleteAlertGroupSetting(deps, 'acme', setting.id);
    await closeGroupOfSetting(deps, 'acme', setting.id);
    expect((await listAlertGroups(deps, 'acme'))[0]).toMatchObject({ id: reopened?.id, isOpen: false });
    expect(await deps.entities.alertGroups.latest.list('acme')).toEqual([]);
    const before = sentTo(deps, both).length;
    deps.clock.at(T0 + SILENT + 120);
    await check(deps);
    expect(sentTo(deps, both)).toHaveLength(before);
  });

  it('monitor scopes narrow the places (AND); no scope gathers every alert', async () => {
    const { deps, web, db, setting } = await shop();
    const [connectivity] = await listMonitors(deps, 'acme');
    await updateAlertGroupSetting(deps, 'acme', setting.id, {
      name: 'web connectivity',
      roleScopes: ['shop:web'],
      monitorScopes: [connectivity?.id as string],
    });
    const everything = await createAlertGroupSetting(deps, 'acme', { name: 'all' });
    deps.clock.at(T0 + SILENT);
    await agentPost(deps, web[0] as string);
    await check(deps);
    const byName = new Map((await listAlertGroups(deps, 'acme')).map((g) => [g.settingName, g]));
    expect(Object.keys(byName.get('web connectivity')?.openAlerts ?? {})).toHaveLength(4);
    expect(byName.get('all')).toMatchObject({ settingId: everything.id });
    expect(Object.keys(byName.get('all')?.openAlerts ?? {})).toHaveLength(5);
    const dbAlert = (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items.find(
      (a) => a.hostId === db,
    );
    expect(byName.get('all')?.openAlerts).toHaveProperty(dbAlert?.id as string);
  });

  it('refuses scopes naming nothing that exists, and a bad interval, storing nothing', async () => {
    const { deps } = await shop();
    const tries = [
      { name: 'x', serviceScopes: ['nope'] },
      { name: 'x', roleScopes: ['shop:nope'] },
      { name: 'x', roleScopes: ['no-colon'] },
      { name: 'x', monitorScopes: ['2xyz'] },
    ];
    for (const body of tries)
      await expect(createAlertGroupSetting(deps, 'acme', body)).rejects.toBeInstanceOf(ValidationError);
    expect(await deps.entities.alertGroupSettings.list('acme')).toHaveLength(1);
  });
});
