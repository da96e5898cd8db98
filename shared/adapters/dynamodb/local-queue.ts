import { randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationJob } from '../../domain/monitoring/notification.ts';
import type { NotificationQueue } from '../../ports/notifications.ts';
import { queryAll, type Table } from './table.ts';

const LIVE = 'QUEUE#notifications';
const DEAD = 'QUEUE#notifications#dead';
/** Waits between tries: about an hour in all, as the SQS queue's retries on AWS, then the dead letters. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000];

/** Deliveries under way at once: a hanging channel holds one of them, never the queue. */
export const MAX_IN_FLIGHT = 32;

const dueKey = (dueMs: number) =>
  `${String(Math.floor(dueMs)).padStart(15, '0')}#${randomBytes(6).toString('hex')}`;

interface QueuedItem {
  sk: string;
  job: string;
  attempts: number;
}

/**
 * Local mode's notification queue, kept in the embedded table so nothing queued is lost by a
 * restart: jobs wait under their due time, a failed one comes back later, and after the last try it
 * moves to the dead letters (listable with `deadLetters`). `drain` is driven by the local runtime.
 */
export class DurableLocalQueue implements NotificationQueue {
  readonly #table: Table;
  readonly #delays: number[];
  readonly #now: () => number;
  /** Jobs being delivered now (by sort key), so overlapping drains never take one twice. */
  readonly #inFlight = new Set<string>();
  /** Channels with a delivery under way: one at a time each, so a dead channel holds one slot, in order. */
  readonly #busyChannels = new Set<string>();
  #onSend: () => void = () => {};

  constructor(table: Table, options: { delaysMs?: number[]; now?: () => number } = {}) {
    this.#table = table;
    this.#delays = options.delaysMs ?? RETRY_DELAYS_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Called after every send, so the runtime can deliver at once rather than at its next poll. */
  onSend(listener: () => void): void {
    this.#onSend = listener;
  }

  async send(jobs: NotificationJob[]): Promise<void> {
    for (const job of jobs) await this.#put(LIVE, dueKey(this.#now()), JSON.stringify(job), 0);
    if (jobs.length > 0) this.#onSend();
  }

  async #put(pk: string, sk: string, job: string, attempts: number): Promise<void> {
    await this.#table.doc.send(
      new PutCommand({ TableName: this.#table.name, Item: { pk, sk, job, attempts } }),
    );
  }

  /**
   * Hands the due jobs that no other drain holds to `deliver`, all at once up to MAX_IN_FLIGHT
   * deliveries in the process and one per channel (a channel's next job waits for its current one);
   * returns how many of them were delivered. Drains may overlap: a new job is delivered while an
   * older one still waits on a slow channel. A job leaves the queue only once its delivery has
   * settled, so one interrupted by a kill is delivered again after a restart.
   */
  async drain(
    deliver: (job: NotificationJob) => Promise<unknown>,
    onFailure: (err: Error, attempts: number, parked: boolean) => void,
  ): Promise<number> {
    const free = MAX_IN_FLIGHT - this.#inFlight.size;
    if (free <= 0) return 0;
    const out = await this.#table.doc.send(
      new QueryCommand({
        TableName: this.#table.name,
        KeyConditionExpression: 'pk = :pk AND sk <= :now',
        ExpressionAttributeValues: {
          ':pk': LIVE,
          ':now': `${String(Math.floor(this.#now())).padStart(15, '0')}#~`,
        },
        Limit: 250,
      }),
    );
    const taken: { item: QueuedItem; channel: string }[] = [];
    for (const item of (out.Items ?? []) as QueuedItem[]) {
      if (taken.length === free) break;
      const { orgId, channelId } = JSON.parse(item.job) as NotificationJob;
      const channel = `${orgId}#${channelId}`;
      if (this.#inFlight.has(item.sk) || this.#busyChannels.has(channel)) continue;
      this.#inFlight.add(item.sk);
      this.#busyChannels.add(channel);
      taken.push({ item, channel });
    }
    const outcomes = await Promise.all(
      taken.map(({ item, channel }) =>
        this.#deliverOne(item, deliver, onFailure).finally(() => {
          this.#inFlight.delete(item.sk);
          this.#busyChannels.delete(channel);
        }),
      ),
    );
    return outcomes.filter(Boolean).length;
  }

  async #deliverOne(
    item: QueuedItem,
    deliver: (job: NotificationJob) => Promise<unknown>,
    onFailure: (err: Error, attempts: number, parked: boolean) => void,
  ): Promise<boolean> {
    let delivered = false;
    try {
      await deliver(JSON.parse(item.job) as NotificationJob);
      delivered = true;
    } catch (err) {
      const attempts = item.attempts + 1;
      const delay = this.#delays[attempts - 1];
      onFailure(err as Error, attempts, delay === undefined);
      if (delay === undefined) await this.#put(DEAD, dueKey(this.#now()), item.job, attempts);
      else await this.#put(LIVE, dueKey(this.#now() + delay), item.job, attempts);
    }
    await this.#table.doc.send(
      new DeleteCommand({ TableName: this.#table.name, Key: { pk: LIVE, sk: item.sk } }),
    );
    return delivered;
  }

  async pending(): Promise<number> {
    return (await queryAll(this.#table, LIVE)).length;
  }

  async deadLetters(): Promise<NotificationJob[]> {
    return (await queryAll(this.#table, DEAD)).map((i) => JSON.parse(i.job as string) as NotificationJob);
  }
}
