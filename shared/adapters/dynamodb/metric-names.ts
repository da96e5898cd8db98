import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner } from '../../domain/metrics.ts';
import { forgetPulseNames, pulseNames } from './metric-pulse.ts';
import { batchGetAll, conditionally, inParallel, queryAll, type Table } from './table.ts';

const ownerPart = (owner: MetricOwner) => `${owner.kind}#${owner.id}`;

/**
 * Metric names as items of their own, one per (owner, name) and one per (organization, name), each
 * expiring by TTL a retention after it was last posted. No item grows with the number of names (a
 * set on one item would pass DynamoDB's 400 KB after a few thousand), and names that stopped being
 * posted age out by themselves. Shared by the DynamoDB store (metric table) and the Timestream store
 * (entity table).
 */
export const ownerNamesPartition = (org: string, owner: MetricOwner): string =>
  `N#${org}#${ownerPart(owner)}`;
export const orgNamesPartition = (org: string): string => `N#${org}`;

const DAY = 86400;

export class MetricNames {
  readonly #table: Table;
  readonly #ttlSeconds: number;
  /** What this process recorded today: each name is written at most once a day per owner. */
  readonly #recorded = new Map<string, number>();

  constructor(table: Table, retentionDays: number) {
    this.#table = table;
    this.#ttlSeconds = retentionDays * DAY;
  }

  #touch(pk: string, name: string, ttl: number) {
    return this.#table.doc.send(
      new UpdateCommand({
        TableName: this.#table.name,
        Key: { pk, sk: name },
        UpdateExpression: 'SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':ttl': ttl },
      }),
    );
  }

  /** Records that these names were posted now (new ones at once; known ones once a day, for their TTL). */
  async record(org: string, owner: MetricOwner, names: Iterable<string>, now: number): Promise<void> {
    const day = Math.floor(now / DAY);
    const ttl = now + this.#ttlSeconds;
    const writes: (() => Promise<unknown>)[] = [];
    for (const name of new Set(names)) {
      const ownerKey = `${org}\0${ownerPart(owner)}\0${name}`;
      const orgKey = `${org}\0\0${name}`;
      if (this.#recorded.get(ownerKey) !== day)
        writes.push(() => this.#touch(ownerNamesPartition(org, owner), name, ttl));
      if (this.#recorded.get(orgKey) !== day)
        writes.push(() => this.#touch(orgNamesPartition(org), name, ttl));
      if (this.#recorded.size > 1_000_000) this.#recorded.clear();
      this.#recorded.set(ownerKey, day);
      this.#recorded.set(orgKey, day);
    }
    await inParallel(writes);
  }

  /** The owner's names still within retention, sorted (and those of pulses written before names had items). */
  async list(org: string, owner: MetricOwner, now: number): Promise<string[]> {
    const [items, legacy] = await Promise.all([
      queryAll(this.#table, ownerNamesPartition(org, owner)),
      pulseNames(this.#table, org, owner),
    ]);
    const live = items.filter((i) => Number(i.ttl) > now).map((i) => i.sk as string);
    return [...new Set([...live, ...legacy])].sort();
  }

  /** Names posted by anyone in the organization, still within retention. */
  async known(org: string, now: number): Promise<Set<string>> {
    const items = await queryAll(this.#table, orgNamesPartition(org));
    return new Set(items.filter((i) => Number(i.ttl) > now).map((i) => i.sk as string));
  }

  /** Which of the owners have posted `name` within retention. */
  async postedBy(org: string, owners: MetricOwner[], name: string, now: number): Promise<Set<string>> {
    const items = await batchGetAll(
      this.#table,
      owners.map((o) => ({ pk: ownerNamesPartition(org, o), sk: name })),
    );
    return new Set(
      items.filter((i) => Number(i.ttl) > now).map((i) => (i.pk as string).split('#').slice(2).join('#')),
    );
  }

  /** Hides names until they are posted again (here at once; another process's next daily record). */
  async forget(org: string, owner: MetricOwner, names: string[]): Promise<void> {
    await inParallel(
      names.map((name) => () => {
        this.#recorded.delete(`${org}\0${ownerPart(owner)}\0${name}`);
        return conditionally(() =>
          this.#table.doc.send(
            new UpdateCommand({
              TableName: this.#table.name,
              Key: { pk: ownerNamesPartition(org, owner), sk: name },
              UpdateExpression: 'SET #ttl = :gone',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':gone': 0 },
            }),
          ),
        );
      }),
    );
    await forgetPulseNames(this.#table, org, owner, names);
  }
}
