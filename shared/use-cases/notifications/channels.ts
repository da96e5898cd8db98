import {
  type Channel,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GROUP_ID,
  type NotificationGroup,
} from '../../domain/monitoring/notification.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Deps, EntityDeps } from '../../ports/deps.ts';
import type { ChannelBody, NotificationGroupBody } from '../../schemas/notifications.ts';
import { notificationSettings } from './settings.ts';

const CHANNEL_NOT_FOUND = 'Channel Not Found.';
const GROUP_NOT_FOUND = 'Notification Group Not Found.';

/** What saving a channel reads: its organization's users, and which URLs may be called. */
type ChannelDeps = EntityDeps & Pick<Deps, 'targets'>;

async function toChannel(deps: ChannelDeps, orgId: string, id: string, body: ChannelBody): Promise<Channel> {
  const events = body.events ?? ['alert'];
  if (body.type === 'webhook' || body.type === 'slack') {
    const refusal = await deps.targets.refusal(body.url);
    if (refusal) throw new ValidationError(`url: ${refusal}.`);
  }
  switch (body.type) {
    case 'email': {
      const userIds = body.userIds ?? [];
      const members = new Set((await deps.entities.users.list(orgId)).map((u) => u.id));
      const stranger = userIds.find((u) => !members.has(u));
      if (stranger !== undefined)
        throw new ValidationError(`User ${JSON.stringify(stranger)} is not a member of this organization.`);
      return { id, name: body.name, type: 'email', emails: body.emails ?? [], userIds, events };
    }
    case 'slack': {
      const m = body.mentions ?? {};
      const mentions = Object.fromEntries(
        Object.entries(m).filter(([, v]) => typeof v === 'string' && v !== ''),
      );
      return {
        id,
        name: body.name,
        type: 'slack',
        url: body.url,
        mentions,
        enabledGraphImage: body.enabledGraphImage ?? false,
        events,
      };
    }
    case 'webhook':
      return {
        id,
        name: body.name,
        type: 'webhook',
        url: body.url,
        events,
      };
  }
}

export async function listChannels(deps: EntityDeps, orgId: string): Promise<Channel[]> {
  return (await notificationSettings(deps, orgId)).channels;
}

async function changeDefaultGroup(
  deps: EntityDeps,
  orgId: string,
  change: (g: NotificationGroup) => NotificationGroup,
) {
  const { groups } = await notificationSettings(deps, orgId);
  const group = groups.find((g) => g.id === DEFAULT_GROUP_ID) as NotificationGroup;
  await deps.entities.notificationGroups.put(orgId, change(group));
}

export async function createChannel(deps: ChannelDeps, orgId: string, body: ChannelBody): Promise<Channel> {
  const channel = await toChannel(deps, orgId, deps.newId(), body);
  await deps.entities.channels.put(orgId, channel);
  if (body.addToDefaultNotificationGroup)
    await changeDefaultGroup(deps, orgId, (g) => ({
      ...g,
      childChannelIds: [...new Set([...g.childChannelIds, channel.id])],
    }));
  return channel;
}

export async function updateChannel(
  deps: ChannelDeps,
  orgId: string,
  id: string,
  body: ChannelBody,
): Promise<Channel> {
  const current = (await listChannels(deps, orgId)).find((c) => c.id === id);
  if (!current) throw new NotFoundError(CHANNEL_NOT_FOUND);
  if (current.id === DEFAULT_CHANNEL_ID) throw new ValidationError('The default channel cannot be changed.');
  if (current.type !== body.type)
    throw new ValidationError(`The type of a channel cannot change (${current.type} to ${body.type}).`);
  if (body.addToDefaultNotificationGroup !== undefined && body.addToDefaultNotificationGroup !== null)
    throw new ValidationError('addToDefaultNotificationGroup can only be given when a channel is created.');
  const channel = await toChannel(deps, orgId, id, body);
  await deps.entities.channels.put(orgId, channel);
  // Saving a channel resumes it: its failures and suspension are forgotten.
  await deps.entities.channelStatuses.delete(orgId, id);
  return channel;
}

/** Deletes the channel and takes it out of every group. */
export async function deleteChannel(deps: EntityDeps, orgId: string, id: string): Promise<Channel> {
  const { channels, groups } = await notificationSettings(deps, orgId);
  const channel = channels.find((c) => c.id === id);
  if (!channel) throw new NotFoundError(CHANNEL_NOT_FOUND);
  if (id === DEFAULT_CHANNEL_ID) throw new ValidationError('The default channel cannot be deleted.');
  for (const g of groups.filter((g) => g.childChannelIds.includes(id)))
    await deps.entities.notificationGroups.put(orgId, {
      ...g,
      childChannelIds: g.childChannelIds.filter((c) => c !== id),
    });
  await deps.entities.channels.delete(orgId, id);
  await deps.entities.channelStatuses.delete(orgId, id);
  return channel;
}

async function toGroup(
  deps: EntityDeps,
  orgId: string,
  id: string,
  type: NotificationGroup['type'],
  body: NotificationGroupBody,
): Promise<NotificationGroup> {
  const { channels, groups } = await notificationSettings(deps, orgId);
  const missingChannel = (body.childChannelIds ?? []).find((c) => !channels.some((x) => x.id === c));
  if (missingChannel !== undefined)
    throw new ValidationError(`Channel ${JSON.stringify(missingChannel)} does not exist.`);
  const missingGroup = (body.childNotificationGroupIds ?? []).find(
    (c) => c === id || !groups.some((g) => g.id === c),
  );
  if (missingGroup !== undefined)
    throw new ValidationError(`Notification group ${JSON.stringify(missingGroup)} cannot be a child.`);
  const monitorIds = new Set((await deps.entities.monitors.list(orgId)).map((m) => m.id));
  const missingMonitor = (body.monitors ?? []).find((m) => !monitorIds.has(m.id));
  if (missingMonitor)
    throw new ValidationError(`Monitor ${JSON.stringify(missingMonitor.id)} does not exist.`);
  for (const s of body.services ?? [])
    if (!(await deps.entities.services.get(orgId, s.name)))
      throw new ValidationError(`Service ${JSON.stringify(s.name)} does not exist.`);
  return {
    id,
    type,
    name: body.name,
    notificationLevel: body.notificationLevel,
    childNotificationGroupIds: body.childNotificationGroupIds ?? [],
    childChannelIds: body.childChannelIds ?? [],
    ...(body.monitors && {
      monitors: body.monitors.map((m) => ({ id: m.id, skipDefault: m.skipDefault ?? false })),
    }),
    ...(body.services && { services: body.services.map((s) => ({ name: s.name })) }),
  };
}

export async function listNotificationGroups(deps: EntityDeps, orgId: string): Promise<NotificationGroup[]> {
  return (await notificationSettings(deps, orgId)).groups;
}

export async function createNotificationGroup(deps: EntityDeps, orgId: string, body: NotificationGroupBody) {
  const group = await toGroup(deps, orgId, deps.newId(), 'group', body);
  await deps.entities.notificationGroups.put(orgId, group);
  return group;
}

export async function updateNotificationGroup(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: NotificationGroupBody,
) {
  const current = (await listNotificationGroups(deps, orgId)).find((g) => g.id === id);
  if (!current) throw new NotFoundError(GROUP_NOT_FOUND);
  if (current.type === 'group-default' && body.name !== current.name)
    throw new ValidationError('The default notification group cannot be renamed.');
  const group = await toGroup(deps, orgId, id, current.type, body);
  await deps.entities.notificationGroups.put(orgId, group);
  return group;
}

export async function deleteNotificationGroup(deps: EntityDeps, orgId: string, id: string) {
  const group = (await listNotificationGroups(deps, orgId)).find((g) => g.id === id);
  if (!group) throw new NotFoundError(GROUP_NOT_FOUND);
  if (group.type === 'group-default')
    throw new ValidationError('The default notification group cannot be deleted.');
  await deps.entities.notificationGroups.delete(orgId, id);
  return group;
}
