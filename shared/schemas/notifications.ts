import { z } from 'zod';
import { CHANNEL_EVENTS } from '../domain/monitoring/notification.ts';
import { EMAIL } from '../domain/monitoring/user.ts';

const id = z.string().min(1).max(64);
const url = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an http or https URL');
const events = z.array(z.enum(CHANNEL_EVENTS)).max(CHANNEL_EVENTS.length).nullish();
const name = z.string().min(1).max(255);
const flag = z.boolean().nullish();

/** client-go sends `"mentions": {}` on every channel, and `addToDefaultNotificationGroup` on create. */
export const channelSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('email'),
    name,
    emails: z.array(z.string().regex(EMAIL, 'must be an email address')).max(100).nullish(),
    userIds: z.array(id).max(100).nullish(),
    events,
    addToDefaultNotificationGroup: flag,
  }),
  z.object({
    type: z.literal('slack'),
    name,
    url,
    mentions: z
      .object({
        ok: z.string().max(256).nullish(),
        warning: z.string().max(256).nullish(),
        critical: z.string().max(256).nullish(),
      })
      .nullish(),
    enabledGraphImage: flag,
    events,
    addToDefaultNotificationGroup: flag,
  }),
  z.object({
    type: z.literal('webhook'),
    name,
    url,
    /** Slack only in client-go's documentation; taken and dropped here, so a client that sends it still works. */
    enabledGraphImage: flag,
    events,
    addToDefaultNotificationGroup: flag,
  }),
]);
export type ChannelBody = z.output<typeof channelSchema>;

export const notificationGroupSchema = z.object({
  name,
  notificationLevel: z.enum(['all', 'critical']),
  childNotificationGroupIds: z.array(id).max(100).nullish(),
  childChannelIds: z.array(id).max(100).nullish(),
  monitors: z
    .array(z.object({ id, skipDefault: z.boolean().nullish() }))
    .max(1000)
    .nullish(),
  services: z
    .array(z.object({ name: z.string().min(1).max(63) }))
    .max(1000)
    .nullish(),
});
export type NotificationGroupBody = z.output<typeof notificationGroupSchema>;
