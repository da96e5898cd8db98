import type { AlertEffect } from '../../domain/monitoring/alert-state.ts';
import {
  type AlertGroupEvent,
  type Channel,
  channelsFor,
  type EventKind,
  type NotificationJob,
  type RoutingSubject,
} from '../../domain/monitoring/notification.ts';
import type { Deps } from '../../ports/deps.ts';
import { notificationSettings } from './settings.ts';

type DispatchDeps = Pick<Deps, 'entities' | 'notifications' | 'clock' | 'newId'>;

/** The live channels the event's notification groups lead to, among those `takes` accepts. */
async function channelsOf(
  deps: DispatchDeps,
  orgId: string,
  effect: { kind: EventKind; alert: { status: string } },
  subject: RoutingSubject,
  wasCritical: boolean,
  takes: (c: Channel) => boolean,
): Promise<Channel[]> {
  const { channels, groups } = await notificationSettings(deps, orgId);
  const wanted = new Set(channelsFor(effect, subject, groups, wasCritical));
  return channels.filter((c) => wanted.has(c.id) && !c.suspendedAt && takes(c));
}

/**
 * Puts one job per channel on the notification queue for an alert event. Sending the same event
 * again is harmless: the notifier delivers each (event, channel) once. An alert that belongs to an
 * alert group is left out of the channels that take alert groups: they hear of its group instead.
 */
export async function dispatchAlertEvent(
  deps: DispatchDeps,
  orgId: string,
  effect: AlertEffect,
  wasCritical: boolean,
  inAlertGroup = false,
): Promise<number> {
  const event = effect.event;
  if (!event) return 0;
  const services = event.host
    ? [...new Set(event.host.roles.map((r) => r.service))]
    : event.service
      ? [event.service]
      : [];
  const channels = await channelsOf(
    deps,
    orgId,
    effect,
    { monitorId: effect.alert.monitorId, services },
    wasCritical,
    (c) =>
      (c.events === undefined || c.events.includes('alert')) &&
      !(inAlertGroup && c.events?.includes('alertGroup')),
  );
  const jobs: NotificationJob[] = channels.map((c) => ({
    orgId,
    eventId: effect.id,
    channelId: c.id,
    event,
  }));
  if (jobs.length > 0) await deps.notifications.send(jobs);
  return jobs.length;
}

/**
 * Puts one job per channel taking the `alertGroup` event on the queue, routed by the notification
 * groups as the alert that opened the group was (its monitor and services). `eventId` is fixed per
 * group and kind (and resend time), so a replay sends nothing twice.
 */
export async function dispatchAlertGroupEvent(
  deps: DispatchDeps,
  orgId: string,
  eventId: string,
  event: AlertGroupEvent,
  subject: RoutingSubject,
  wasCritical: boolean,
): Promise<number> {
  const channels = await channelsOf(
    deps,
    orgId,
    { kind: event.kind, alert: { status: event.group.status } },
    subject,
    wasCritical,
    (c) => c.events?.includes('alertGroup') === true,
  );
  const jobs: NotificationJob[] = channels.map((c) => ({ orgId, eventId, channelId: c.id, event }));
  if (jobs.length > 0) await deps.notifications.send(jobs);
  return jobs.length;
}
