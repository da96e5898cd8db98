export const CHANNEL_EVENTS = [
  'alert',
  'alertGroup',
  'hostStatus',
  'hostRegister',
  'hostRetire',
  'monitor',
] as const;
export type ChannelEvent = (typeof CHANNEL_EVENTS)[number];

interface ChannelCommon {
  id: string;
  name: string;
  suspendedAt?: number | null;
  events?: ChannelEvent[];
  /** saba's: how the last delivery to the channel went (an extra field Mackerel clients ignore). */
  lastDelivery?: LastDelivery;
}

export interface LastDelivery {
  /** Epoch seconds. */
  at: number;
  ok: boolean;
  /** `sent`, or why it failed: the status answered, the timeout, the refused address. */
  detail: string;
}

/** Failed deliveries in a row after which a channel is suspended, as Mackerel suspends failing channels. */
export const SUSPEND_AFTER_FAILURES = 10;

/**
 * How a channel's deliveries go, kept apart from the channel itself so a delivery never rewrites
 * what its owner saved. Saving the channel again resumes it (and forgets the failures).
 */
export interface ChannelStatus {
  /** The channel's id. */
  id: string;
  lastDelivery: LastDelivery;
  failuresInARow: number;
  suspendedAt?: number;
}

/** The next status after a delivery: a failure counts (and suspends at the limit), a success clears. */
export function afterDelivery(
  previous: ChannelStatus | undefined,
  id: string,
  last: LastDelivery,
): ChannelStatus {
  if (last.ok) return { id, lastDelivery: last, failuresInARow: 0 };
  const failuresInARow = (previous?.failuresInARow ?? 0) + 1;
  const suspendedAt =
    previous?.suspendedAt ?? (failuresInARow >= SUSPEND_AFTER_FAILURES ? last.at : undefined);
  return { id, lastDelivery: last, failuresInARow, ...(suspendedAt !== undefined && { suspendedAt }) };
}

export interface EmailChannel extends ChannelCommon {
  type: 'email';
  emails: string[];
  userIds: string[];
}

/** The default channel of an organization: every member's address, as they are when it sends. */
export interface BroadcastChannel extends ChannelCommon {
  type: 'email-broadcast';
}

export interface SlackChannel extends ChannelCommon {
  type: 'slack';
  url: string;
  mentions: { ok?: string; warning?: string; critical?: string };
  enabledGraphImage?: boolean;
}

/** No `enabledGraphImage`: client-go documents it for Slack channels only. */
export interface WebhookChannel extends ChannelCommon {
  type: 'webhook';
  url: string;
}

export type Channel = EmailChannel | BroadcastChannel | SlackChannel | WebhookChannel;

export interface NotificationGroup {
  id: string;
  type: 'group' | 'group-default';
  name: string;
  notificationLevel: 'all' | 'critical';
  childNotificationGroupIds: string[];
  childChannelIds: string[];
  monitors?: { id: string; skipDefault: boolean }[];
  services?: { name: string }[];
}

export const DEFAULT_GROUP_ID = 'default-group';
export const DEFAULT_CHANNEL_ID = 'default-channel';

export function defaultChannel(): BroadcastChannel {
  return { id: DEFAULT_CHANNEL_ID, name: 'Default', type: 'email-broadcast', events: ['alert'] };
}

export function defaultGroup(): NotificationGroup {
  return {
    id: DEFAULT_GROUP_ID,
    type: 'group-default',
    name: 'Default',
    notificationLevel: 'all',
    childNotificationGroupIds: [],
    childChannelIds: [DEFAULT_CHANNEL_ID],
  };
}

/** What happened to an alert: opened, changed status, still open (re-notification), closed. */
export type EventKind = 'open' | 'change' | 'renotify' | 'close';

/** What an alert event is about, for routing: its monitor and the services it touches. */
export interface RoutingSubject {
  monitorId: string;
  services: string[];
}

/**
 * The channels one alert event goes to. A group applies when it names the monitor or one of the
 * services; the default group applies unless an applying group says `skipDefault` for the monitor.
 * Child groups are followed (once each). `critical` groups take only events whose alert is CRITICAL,
 * and the close of an alert that was.
 */
export function channelsFor(
  effect: { kind: EventKind; alert: { status: string } },
  subject: RoutingSubject,
  groups: NotificationGroup[],
  wasCritical: boolean,
): string[] {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const applying = groups.filter(
    (g) =>
      g.type === 'group' &&
      ((g.monitors ?? []).some((m) => m.id === subject.monitorId) ||
        (g.services ?? []).some((s) => subject.services.includes(s.name))),
  );
  const skipDefault = applying.some((g) =>
    (g.monitors ?? []).some((m) => m.id === subject.monitorId && m.skipDefault),
  );
  const roots = [...applying, ...groups.filter((g) => g.type === 'group-default' && !skipDefault)];
  const critical = effect.alert.status === 'CRITICAL' || (effect.kind === 'close' && wasCritical);
  const channels = new Set<string>();
  const visited = new Set<string>();
  const visit = (g: NotificationGroup) => {
    if (visited.has(g.id)) return;
    visited.add(g.id);
    if (g.notificationLevel === 'critical' && !critical) return;
    for (const c of g.childChannelIds) channels.add(c);
    for (const child of g.childNotificationGroupIds) {
      const next = byId.get(child);
      if (next) visit(next);
    }
  };
  for (const g of roots) visit(g);
  return [...channels];
}

/** One delivery: an alert or alert group event to one channel. The event is rendered when the job is made. */
export interface NotificationJob {
  orgId: string;
  /** Deduplication key with the channel: the event's id. */
  eventId: string;
  channelId: string;
  event: AlertEvent | AlertGroupEvent;
}

export const isAlertGroupEvent = (e: AlertEvent | AlertGroupEvent): e is AlertGroupEvent => 'group' in e;

/** An alert group opened, is still open (resent at its setting's interval), or closed. */
export interface AlertGroupEvent {
  orgName: string;
  kind: 'open' | 'renotify' | 'close';
  at: number;
  group: {
    id: string;
    status: string;
    isOpen: boolean;
    openedAt: number;
    closedAt?: number;
    /** Alerts open in it now, and every alert it held. */
    openAlerts: number;
    alerts: number;
  };
  setting: { id: string; name: string; memo?: string };
  /** The alert whose event opened or closed the group (none on a resend). */
  alert?: {
    id: string;
    status: string;
    monitorName: string;
    hostName?: string;
    service?: string;
    message?: string;
  };
  consoleUrl?: string;
}

/** Everything a message needs, frozen at the time of the event. */
export interface AlertEvent {
  orgName: string;
  kind: EventKind;
  at: number;
  alert: {
    id: string;
    status: string;
    type: string;
    isOpen: boolean;
    openedAt: number;
    closedAt?: number;
    value?: number;
    message?: string;
    reason?: string;
    trigger: string;
    /** A query monitor's series. */
    series?: { name: string; labels: Record<string, string> };
  };
  monitor: {
    id: string;
    name: string;
    type: string;
    metric?: string;
    operator?: string;
    warning?: number | null;
    critical?: number | null;
    duration?: number;
    memo?: string;
    query?: string;
  };
  host?: {
    id: string;
    name: string;
    status: string;
    memo: string;
    isRetired: boolean;
    roles: { service: string; role: string }[];
  };
  service?: string;
  /** Base URL of the console, for links. */
  consoleUrl?: string;
}
