import { fixedTimeOrderedId } from '../../domain/monitoring/alert.ts';
import type { AlertStatus } from '../../domain/monitoring/monitor.ts';
import {
  afterDelivery,
  type Channel,
  isAlertGroupEvent,
  type NotificationJob,
} from '../../domain/monitoring/notification.ts';
import type { EntityDeps } from '../../ports/deps.ts';

/**
 * Records how a delivery went: the channel's last delivery (shown in `GET /api/v0/channels` and the
 * console), its failures in a row (suspending it at the limit), and for a failure one line in the
 * alert's log, the same line however often that delivery fails (its id comes from the delivery).
 */
export async function recordDelivery(
  deps: EntityDeps,
  job: NotificationJob,
  channel: Channel,
  deliveryId: string,
  outcome: { ok: true } | { ok: false; reason: string },
): Promise<void> {
  const now = Math.floor(deps.clock.now() / 1000);
  const previous = await deps.entities.channelStatuses.get(job.orgId, channel.id);
  const detail = outcome.ok ? 'sent' : outcome.reason;
  await deps.entities.channelStatuses.put(
    job.orgId,
    afterDelivery(previous, channel.id, { at: now, ok: outcome.ok, detail }),
  );
  const event = job.event;
  // An alert group has no log of its own: its failures show on the channel.
  if (outcome.ok || isAlertGroupEvent(event)) return;
  await deps.entities.alertLogs.put(job.orgId, event.alert.id, {
    id: fixedTimeOrderedId(event.at * 1000 + 1, deliveryId),
    createdAt: now,
    status: (event.kind === 'close' ? 'OK' : event.alert.status) as AlertStatus,
    trigger: 'notification',
    monitorId: event.monitor.id,
    targetValue: null,
    message: `Notification to ${channel.type} channel ${channel.name} failed: ${outcome.reason}`,
  });
}
