import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { SUSPEND_AFTER_FAILURES } from '#shared/domain/monitoring/notification.ts';
import { listAlertLogs, listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { ChannelHealth } from '#shared/use-cases/notifications/channel-health.ts';
import { createChannel, listChannels, updateChannel } from '#shared/use-cases/notifications/channels.ts';
import { notificationDelivery } from '#shared/use-cases/notifications/deliver.ts';
import { dispatchAlertEvent } from '#shared/use-cases/notifications/dispatch.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { startReceiver } from '../support/http-receiver.ts';
import {
  addHost,
  agentPost,
  check,
  groupWebhook,
  type MonitoringDeps,
  monitoringWorld,
  RecordingEmail,
} from '../support/monitoring.ts';

const T0 = 1_800_000_000;

describe('failed deliveries are visible: last result, suspension, the alert log', () => {
  let dynamo: TestDynamo;
  let deps: MonitoringDeps;
  let failing: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await monitoringWorld(dynamo, T0);
    failing = await startReceiver(() => ({ status: 502, body: 'bad gateway' }));
  });
  afterAll(async () => {
    await failing.stop();
    await dynamo.stop();
  });

  it('shows the last error, suspends a channel that keeps failing, logs it on the alert, and resumes on save', async () => {
    const hook = await createChannel(deps, 'acme', groupWebhook('flaky', `${failing.url}/hook`));
    await agentPost(deps, await addHost(deps, 'web-1'));
    deps.clock.at(T0 + 200);
    await check(deps);
    const job = deps.notifications.jobs.find((j) => j.channelId === hook.id);
    if (!job) throw new Error('no job for the webhook');
    const deliver = notificationDelivery(
      deps,
      { email: new RecordingEmail(), http: outboundHttp({ allowPrivate: true }) },
      {
        health: new ChannelHealth(),
      },
    );

    await expect(deliver(job)).rejects.toThrow(/answered 502/);
    let [channel] = (await listChannels(deps, 'acme')).filter((c) => c.id === hook.id);
    expect(channel?.lastDelivery).toEqual({
      at: T0 + 200,
      ok: false,
      detail: expect.stringContaining('answered 502'),
    });
    expect(channel?.suspendedAt).toBeUndefined();

    for (let i = 1; i < SUSPEND_AFTER_FAILURES; i++) await expect(deliver(job)).rejects.toThrow();
    [channel] = (await listChannels(deps, 'acme')).filter((c) => c.id === hook.id);
    expect(channel?.suspendedAt).toBe(T0 + 200);
    // A suspended channel is sent nothing more: the queued job is done, new events skip it.
    const before = failing.received.length;
    expect(await deliver(job)).toBe('skipped');
    expect(failing.received.length).toBe(before);
    const [alert] = (await listAlerts(deps, 'acme', { withClosed: false, limit: 10 })).items;
    const queued = deps.notifications.jobs.length;
    await dispatchAlertEvent(
      deps,
      'acme',
      { ...pendingEffect(alert?.id as string), id: 'another-event' } as never,
      false,
    );
    expect(deps.notifications.jobs.slice(queued).map((j) => j.channelId)).not.toContain(hook.id);

    // The alert's log has one line for the failed delivery, however often it failed.
    const logs = (await listAlertLogs(deps, 'acme', alert?.id as string, 100)).items;
    const failed = logs.filter((l) => l.trigger === 'notification');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.message).toMatch(/webhook channel flaky failed: .*answered 502/);

    // Saving the channel again resumes it.
    await updateChannel(deps, 'acme', hook.id, {
      type: 'webhook',
      name: 'flaky',
      url: `${failing.url}/hook`,
    });
    [channel] = (await listChannels(deps, 'acme')).filter((c) => c.id === hook.id);
    expect(channel?.suspendedAt).toBeUndefined();
    expect(channel?.lastDelivery).toBeUndefined();
  });

  it('records a target refused at send time (a name that came to resolve to loopback) as the reason', async () => {
    const hook = await createChannel(deps, 'acme', {
      type: 'webhook',
      name: 'rebound',
      url: `${failing.url.replace('127.0.0.1', 'localhost')}/hook`,
    });
    const job = { ...deps.notifications.jobs[0], channelId: hook.id, eventId: 'refused-event' } as never;
    const deliver = notificationDelivery(
      deps,
      { email: new RecordingEmail(), http: outboundHttp({ allowPrivate: false }) },
      {
        health: new ChannelHealth(),
      },
    );
    await expect(deliver(job)).rejects.toThrow(/private address/);
    const [channel] = (await listChannels(deps, 'acme')).filter((c) => c.id === hook.id);
    expect(channel?.lastDelivery?.detail).toMatch(/localhost resolves to .*, a private address/);
  });
});

/** The alert-open effect dispatch takes, for an existing alert. */
function pendingEffect(alertId: string) {
  return {
    kind: 'open',
    alert: { id: alertId, monitorId: 'x', status: 'CRITICAL', hostId: undefined },
    event: {
      orgName: 'acme',
      kind: 'open',
      at: T0 + 300,
      alert: {
        id: alertId,
        status: 'CRITICAL',
        type: 'connectivity',
        isOpen: true,
        openedAt: T0 + 200,
        trigger: 'monitoring',
      },
      monitor: { id: 'x', name: 'connectivity', type: 'connectivity' },
    },
  };
}
