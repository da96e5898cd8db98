import { createHash } from 'node:crypto';
import {
  alertGroupEmailText,
  alertGroupSlackPayload,
  alertGroupTitle,
  alertGroupWebhookPayload,
  alertTitle,
  emailText,
  slackPayload,
  webhookPayload,
} from '../../domain/monitoring/messages.ts';
import {
  type AlertEvent,
  type AlertGroupEvent,
  type Channel,
  isAlertGroupEvent,
  type NotificationJob,
} from '../../domain/monitoring/notification.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { EmailSender, OutboundHttp } from '../../ports/notifications.ts';
import type { ChannelHealth } from './channel-health.ts';
import { recordDelivery } from './delivery-status.ts';
import { notificationSettings } from './settings.ts';

export interface Senders {
  email: EmailSender;
  http: OutboundHttp;
  /** Base URL of the console, for links in messages. */
  consoleUrl?: string;
}

/** The header that carries a delivery's id on every webhook and Slack request. */
export const DELIVERY_ID_HEADER = 'X-Saba-Delivery-Id';
/** Each delivery's deadline: a channel gets this long to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claim older than this is taken to be a sender that died mid-send, and is taken over. */
const CLAIM_STALE_SECONDS = 120;

export class DeliveryFailedError extends Error {}
/** The channel did not answer within the delivery's deadline. */
export class DeliveryTimeoutError extends DeliveryFailedError {}
/** Not tried: the channel is backed off after timing out (ChannelHealth). */
export class ChannelBackedOffError extends DeliveryFailedError {}

/**
 * The id of one delivery (an alert event to a channel): the same on every retry of it, different
 * for every other delivery, so a receiver can drop a copy it already has.
 */
export const deliveryIdOf = (job: Pick<NotificationJob, 'orgId' | 'eventId' | 'channelId'>): string =>
  createHash('sha256').update(`${job.orgId}\0${job.eventId}\0${job.channelId}`).digest('hex').slice(0, 32);

export type DeliveryOutcome = 'sent' | 'skipped' | 'duplicate';
export type Deliver = (job: NotificationJob) => Promise<DeliveryOutcome>;

export interface DeliveryOptions {
  /** Which channels keep timing out (one per process). */
  health: ChannelHealth;
  /**
   * Epoch seconds before which a claim belongs to a sender that is gone. Locally the process's
   * start: one process owns the data dir, so a claim from before it was left by a killed process.
   */
  claimsValidSince?: number;
}

async function recipients(deps: EntityDeps, orgId: string, channel: Channel): Promise<string[]> {
  if (channel.type === 'email-broadcast') return (await deps.entities.users.list(orgId)).map((u) => u.email);
  if (channel.type !== 'email') return [];
  const users = channel.userIds.length > 0 ? await deps.entities.users.list(orgId) : [];
  const byId = new Map(users.map((u) => [u.id, u.email]));
  return [...new Set([...channel.emails, ...channel.userIds.flatMap((id) => byId.get(id) ?? [])])];
}

/** Settles with `work`, or rejects with DeliveryTimeoutError once `ms` have passed. */
async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryTimeoutError(`${what} did not answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outbound HTTP call's own timeout (its AbortSignal) counts as the channel timing out too. */
const isTimeout = (err: unknown): boolean =>
  err instanceof DeliveryTimeoutError ||
  (err instanceof Error &&
    (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError')));

/** One event's renderings, alert or alert group. */
function rendered(event: AlertEvent | AlertGroupEvent) {
  if (isAlertGroupEvent(event)) {
    const level = event.kind === 'close' ? 'ok' : event.group.status.toLowerCase();
    return {
      subject: alertGroupTitle(event),
      text: alertGroupEmailText(event),
      webhook: alertGroupWebhookPayload(event),
      slack: (mentions: Record<string, string | undefined>) => alertGroupSlackPayload(event, mentions[level]),
    };
  }
  const level = event.kind === 'close' ? 'ok' : event.alert.status.toLowerCase();
  return {
    subject: alertTitle(event),
    text: emailText(event),
    webhook: webhookPayload(event),
    slack: (mentions: Record<string, string | undefined>) => slackPayload(event, mentions[level]),
  };
}

/** What goes out to the channel: a webhook's body carries the delivery id too, Slack's only the header. */
async function send(deps: EntityDeps, senders: Senders, job: NotificationJob, channel: Channel, id: string) {
  const message = rendered({ ...job.event, ...(senders.consoleUrl && { consoleUrl: senders.consoleUrl }) });
  const post = async (url: string, body: unknown) => {
    const answer = await senders.http.request({
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'saba-notifier',
        [DELIVERY_ID_HEADER]: id,
      },
      body: JSON.stringify(body),
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxBodyBytes: 64 * 1024,
    });
    if (answer.status < 200 || answer.status >= 300)
      throw new DeliveryFailedError(`${url} answered ${answer.status}`);
  };
  switch (channel.type) {
    case 'email':
    case 'email-broadcast': {
      const to = await recipients(deps, job.orgId, channel);
      if (to.length === 0) return false;
      await senders.email.send({ to, subject: message.subject, text: message.text, deliveryId: id });
      return true;
    }
    case 'webhook':
      await post(channel.url, { ...message.webhook, deliveryId: id });
      return true;
    case 'slack':
      await post(channel.url, message.slack(channel.mentions));
      return true;
  }
}

/**
 * The notifier's delivery of one job: the alert event to its channel, once. Primary course: claim
 * the (event, channel) pair, send within the deadline, record it as sent at once (so a resend can
 * only follow a death between the channel's 2xx and that record, and carries the same delivery id).
 * A failure releases the claim and throws, so the queue retries it and parks it in its dead letters
 * after its last try. A channel that timed out is backed off: its jobs fail at once, holding nobody
 * else's. A deleted channel, or an email channel with nobody to write to, is done with nothing sent.
 */
export function notificationDelivery(deps: EntityDeps, senders: Senders, options: DeliveryOptions): Deliver {
  return async (job) => {
    const channelKey = `${job.orgId}#${job.channelId}`;
    const until = options.health.backedOffUntil(channelKey);
    if (until !== undefined)
      throw new ChannelBackedOffError(
        `channel ${job.channelId} timed out before; backed off until ${new Date(until).toISOString()}`,
      );
    const now = Math.floor(deps.clock.now() / 1000);
    const key = `${job.eventId}#${job.channelId}`;
    const staleBefore = Math.max(now - CLAIM_STALE_SECONDS, options.claimsValidSince ?? 0);
    const claim = await deps.entities.deliveries.claim(job.orgId, key, now, staleBefore);
    if (claim === 'sent') return 'duplicate';
    if (claim === 'busy') throw new DeliveryFailedError(`delivery ${key} is in progress elsewhere`);
    const id = deliveryIdOf(job);
    let channel: Channel | undefined;
    let sent: boolean;
    try {
      channel = (await notificationSettings(deps, job.orgId)).channels.find((c) => c.id === job.channelId);
      // A deleted or suspended channel: done, nothing sent (saving the channel again resumes it).
      sent =
        channel !== undefined &&
        !channel.suspendedAt &&
        (await withDeadline(
          send(deps, senders, job, channel, id),
          DELIVERY_TIMEOUT_MS,
          `channel ${job.channelId}`,
        ));
      options.health.answered(channelKey);
      await deps.entities.deliveries.markSent(job.orgId, key, now);
    } catch (err) {
      if (isTimeout(err)) options.health.timedOut(channelKey);
      else options.health.answered(channelKey);
      await deps.entities.deliveries.release(job.orgId, key);
      if (channel)
        await recordDelivery(deps, job, channel, id, { ok: false, reason: (err as Error).message });
      throw err;
    }
    // After the record of the send: should this fail, the retry finds the delivery sent.
    if (sent && channel) await recordDelivery(deps, job, channel, id, { ok: true });
    return sent ? 'sent' : 'skipped';
  };
}
