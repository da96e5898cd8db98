import type { AlertEffect } from '../../domain/monitoring/alert-state.ts';
import { channelsFor, type NotificationJob } from '../../domain/monitoring/notification.ts';
import type { Deps } from '../../ports/deps.ts';
import { notificationSettings } from './settings.ts';

/**
 * Puts one job per channel on the notification queue for an alert event. Sending the same event
 * again is harmless: the notifier delivers each (event, channel) once.
 */
export async function dispatchAlertEvent(
  deps: Pick<Deps, 'entities' | 'notifications' | 'clock' | 'newId'>,
  orgId: string,
  effect: AlertEffect,
  wasCritical: boolean,
): Promise<number> {
  const event = effect.event;
  if (!event) return 0;
  const { channels, groups } = await notificationSettings(deps, orgId);
  const services = event.host
    ? [...new Set(event.host.roles.map((r) => r.service))]
    : event.service
      ? [event.service]
      : [];
  const wanted = new Set(
    channelsFor(effect, { monitorId: effect.alert.monitorId, services }, groups, wasCritical),
  );
  const jobs: NotificationJob[] = channels
    .filter(
      (c) => wanted.has(c.id) && !c.suspendedAt && (c.events === undefined || c.events.includes('alert')),
    )
    .map((c) => ({ orgId, eventId: effect.id, channelId: c.id, event }));
  if (jobs.length > 0) await deps.notifications.send(jobs);
  return jobs.length;
}
