import { alertTitle, emailText, slackPayload, webhookPayload } from '../../domain/monitoring/messages.ts';
import type { Channel, NotificationJob } from '../../domain/monitoring/notification.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { EmailSender, OutboundHttp } from '../../ports/notifications.ts';
import { notificationSettings } from './settings.ts';

export interface Senders {
  email: EmailSender;
  http: OutboundHttp;
  /** Base URL of the console, for links in messages. */
  consoleUrl?: string;
}

/** A claim older than this is taken to be a sender that died mid-send, and is taken over. */
const CLAIM_STALE_SECONDS = 120;
const HOOK_TIMEOUT_MS = 10_000;

export class DeliveryFailedError extends Error {}

async function recipients(deps: EntityDeps, orgId: string, channel: Channel): Promise<string[]> {
  if (channel.type === 'email-broadcast') return (await deps.entities.users.list(orgId)).map((u) => u.email);
  if (channel.type !== 'email') return [];
  const users = channel.userIds.length > 0 ? await deps.entities.users.list(orgId) : [];
  const byId = new Map(users.map((u) => [u.id, u.email]));
  return [...new Set([...channel.emails, ...channel.userIds.flatMap((id) => byId.get(id) ?? [])])];
}

async function post(http: OutboundHttp, url: string, body: unknown): Promise<void> {
  const answer = await http.request({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'saba-notifier' },
    body: JSON.stringify(body),
    timeoutMs: HOOK_TIMEOUT_MS,
    maxBodyBytes: 64 * 1024,
  });
  if (answer.status < 200 || answer.status >= 300)
    throw new DeliveryFailedError(`${url} answered ${answer.status}`);
}

/**
 * The notifier, for one job: sends the alert event to its channel once. The (event, channel) pair is
 * claimed first, marked sent after; a failure releases the claim and throws, so the queue retries it
 * (and parks it in its dead-letter queue after its last try). A deleted channel, or an email channel
 * with nobody to write to, is done with nothing sent.
 */
export async function deliverNotification(
  deps: EntityDeps,
  senders: Senders,
  job: NotificationJob,
): Promise<'sent' | 'skipped' | 'duplicate'> {
  const now = Math.floor(deps.clock.now() / 1000);
  const key = `${job.eventId}#${job.channelId}`;
  const claim = await deps.entities.deliveries.claim(job.orgId, key, now, CLAIM_STALE_SECONDS);
  if (claim === 'sent') return 'duplicate';
  if (claim === 'busy') throw new DeliveryFailedError(`delivery ${key} is in progress elsewhere`);
  try {
    const channel = (await notificationSettings(deps, job.orgId)).channels.find(
      (c) => c.id === job.channelId,
    );
    const event = { ...job.event, ...(senders.consoleUrl && { consoleUrl: senders.consoleUrl }) };
    let sent = false;
    if (channel?.type === 'email' || channel?.type === 'email-broadcast') {
      const to = await recipients(deps, job.orgId, channel);
      if (to.length > 0) {
        await senders.email.send({ to, subject: alertTitle(event), text: emailText(event) });
        sent = true;
      }
    } else if (channel?.type === 'webhook') {
      await post(senders.http, channel.url, webhookPayload(event));
      sent = true;
    } else if (channel?.type === 'slack') {
      const level = (job.event.kind === 'close' ? 'ok' : job.event.alert.status.toLowerCase()) as
        | 'ok'
        | 'warning'
        | 'critical';
      await post(senders.http, channel.url, slackPayload(event, channel.mentions[level]));
      sent = true;
    }
    await deps.entities.deliveries.markSent(job.orgId, key, now);
    return sent ? 'sent' : 'skipped';
  } catch (err) {
    await deps.entities.deliveries.release(job.orgId, key);
    throw err;
  }
}
