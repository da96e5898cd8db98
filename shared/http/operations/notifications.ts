import { downtimeSchema } from '../../schemas/downtimes.ts';
import { channelSchema, notificationGroupSchema } from '../../schemas/notifications.ts';
import { parseBody } from '../../schemas/parse.ts';
import { invitationSchema, revokeInvitationSchema } from '../../schemas/users.ts';
import {
  createDowntime,
  deleteDowntime,
  listDowntimes,
  updateDowntime,
} from '../../use-cases/monitoring/downtimes.ts';
import {
  createChannel,
  createNotificationGroup,
  deleteChannel,
  deleteNotificationGroup,
  listChannels,
  listNotificationGroups,
  updateChannel,
  updateNotificationGroup,
} from '../../use-cases/notifications/channels.ts';
import {
  deleteUser,
  invite,
  listInvitations,
  listUsers,
  revokeInvitation,
} from '../../use-cases/users/users.ts';
import { json, success } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const notificationOperations = {
  listChannels: async (req, deps) => json({ channels: await listChannels(deps, req.orgId) }),
  createChannel: async (req, deps) =>
    json(await createChannel(deps, req.orgId, parseBody(channelSchema, req.body()))),
  updateChannel: async (req, deps) =>
    json(await updateChannel(deps, req.orgId, param(req, 'channelId'), parseBody(channelSchema, req.body()))),
  deleteChannel: async (req, deps) => json(await deleteChannel(deps, req.orgId, param(req, 'channelId'))),

  listNotificationGroups: async (req, deps) =>
    json({ notificationGroups: await listNotificationGroups(deps, req.orgId) }),
  createNotificationGroup: async (req, deps) =>
    json(await createNotificationGroup(deps, req.orgId, parseBody(notificationGroupSchema, req.body()))),
  updateNotificationGroup: async (req, deps) =>
    json(
      await updateNotificationGroup(
        deps,
        req.orgId,
        param(req, 'groupId'),
        parseBody(notificationGroupSchema, req.body()),
      ),
    ),
  deleteNotificationGroup: async (req, deps) =>
    json(await deleteNotificationGroup(deps, req.orgId, param(req, 'groupId'))),

  listDowntimes: async (req, deps) => json({ downtimes: await listDowntimes(deps, req.orgId) }),
  createDowntime: async (req, deps) =>
    json(await createDowntime(deps, req.orgId, parseBody(downtimeSchema, req.body()))),
  updateDowntime: async (req, deps) =>
    json(
      await updateDowntime(deps, req.orgId, param(req, 'downtimeId'), parseBody(downtimeSchema, req.body())),
    ),
  deleteDowntime: async (req, deps) => json(await deleteDowntime(deps, req.orgId, param(req, 'downtimeId'))),

  listUsers: async (req, deps) => json({ users: await listUsers(deps, req.orgId) }),
  deleteUser: async (req, deps) => json(await deleteUser(deps, req.orgId, param(req, 'userId'))),
  listInvitations: async (req, deps) => json({ invitations: await listInvitations(deps, req.orgId) }),
  createInvitation: async (req, deps) => {
    const { email, authority } = parseBody(invitationSchema, req.body());
    return json(await invite(deps, req.orgId, email, authority));
  },
  revokeInvitation: async (req, deps) => {
    await revokeInvitation(deps, req.orgId, parseBody(revokeInvitationSchema, req.body()).email);
    return success();
  },
} satisfies Record<string, Operation>;
