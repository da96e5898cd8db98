import {
  type Channel,
  type ChannelStatus,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GROUP_ID,
  defaultChannel,
  defaultGroup,
  type NotificationGroup,
} from '../../domain/monitoring/notification.ts';
import type { EntityDeps } from '../../ports/deps.ts';

/**
 * Every organization has a default channel (email to all its users) and a default group holding it.
 * They are made the first time anything reads them, so organizations made before monitoring have them too.
 */
export async function notificationSettings(
  deps: EntityDeps,
  orgId: string,
): Promise<{ channels: Channel[]; groups: NotificationGroup[] }> {
  let [channels, groups, statuses] = await Promise.all([
    deps.entities.channels.list(orgId),
    deps.entities.notificationGroups.list(orgId),
    deps.entities.channelStatuses.list(orgId),
  ]);
  if (!channels.some((c) => c.id === DEFAULT_CHANNEL_ID)) {
    await deps.entities.channels.create(orgId, defaultChannel());
    channels = [defaultChannel(), ...channels];
  }
  if (!groups.some((g) => g.id === DEFAULT_GROUP_ID)) {
    await deps.entities.notificationGroups.create(orgId, defaultGroup());
    groups = [defaultGroup(), ...groups];
  }
  const statusOf = new Map(statuses.map((s) => [s.id, s]));
  return { channels: channels.map((c) => withStatus(inDocumentedShape(c), statusOf.get(c.id))), groups };
}

/** The channel with its last delivery and, once it failed too often, its suspension. */
function withStatus(channel: Channel, status: ChannelStatus | undefined): Channel {
  if (!status) return channel;
  return {
    ...channel,
    lastDelivery: status.lastDelivery,
    ...(status.suspendedAt !== undefined && { suspendedAt: status.suspendedAt }),
  };
}

/** Webhook channels saved before saba followed client-go's shape carried `enabledGraphImage`. */
function inDocumentedShape(channel: Channel): Channel {
  if (channel.type !== 'webhook' || !('enabledGraphImage' in channel)) return channel;
  const { enabledGraphImage: _, ...rest } = channel as Channel & { enabledGraphImage?: boolean };
  return rest;
}
