import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { HEARTBEAT_MINUTES } from '#shared/adapters/dynamodb/metric-arrivals.ts';
import { dayPartition, shardOf } from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const DAY = 86400;
const D0 = 1_763_942_400; // a UTC midnight
const NAMES = ['loadavg5', 'memory.used', 'cpu.user.percentage'];

/** A document client that counts the writes (UpdateItem, PutItem, BatchWriteItem) it sends. */
function countingClient(endpoint: string) {
  const doc = createDocumentClient({ endpoint });
  const counts = { writes: 0, byTable: new Map<string, number>() };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(Update|Put|BatchWrite)/.test(context.commandName ?? '')) {
        counts.writes++;
        const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
        for (const t of input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {}))
          counts.byTable.set(t, (counts.byTable.get(t) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return { doc, counts };
}

const post = (time: number) => NAMES.map((name, i) => ({ name, time, value: i + time / 60 }));

describe('DynamoDB metric store: what a post writes, and silences confirmed from minute items', () => {
  let dynamo: TestDynamo;
  let now = D0 + 10 * 3600;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTableAt(dynamo.endpoint, 'metrics');
    await ensureTableAt(dynamo.endpoint, 'archive');
  });
  afterAll(() => dynamo.stop());

  const open = (client = countingClient(dynamo.endpoint)) => ({
    store: new DynamoMetricStore(client.doc, 'metrics', { now: () => now * 1000 }, 460, {
      archiveTableName: 'archive',
    }),
    counts: client.counts,
  });

  it('writes the pulse every few minutes, not on every post, and names once a day, not once a process', async () => {
    const host = { kind: 'host' as const, id: 'steady' };
    const first = open();
    const start = now;
    for (let m = 0; m < 60; m++) {
      now = start + m * 60;
      await first.store.write('o1', host, post(now - 2), now);
    }
    // 60 minute items; the first post writes the pulse and the names (3 owner + 3 organization items).
    const pulses = first.counts.writes - 60 - 6;
    expect(pulses).toBeGreaterThanOrEqual(Math.floor(60 / HEARTBEAT_MINUTES));
    expect(pulses).toBeLessThanOrEqual(Math.ceil(60 / HEARTBEAT_MINUTES) + 1);

    // A new process (a new Lambda container) writes the pulse on its first post, but not the names again.
    const second = open();
    now += 60;
    await second.store.write('o1', host, post(now - 2), now);
    expect(second.counts.writes).toBe(2);
    // A new name is recorded at once, by any process.
    now += 60;
    await second.store.write(
      'o1',
      host,
      [...post(now - 2), { name: 'custom.app.req', time: now - 2, value: 7 }],
      now,
    );
    expect(await second.store.names('o1', host)).toContain('custom.app.req');
    // The next day the first process to write the pulse touches the names again (their TTL), once.
    const third = open();
    now += DAY;
    const names = [...post(now - 2), { name: 'custom.app.req', time: now - 2, value: 8 }];
    await third.store.write('o1', host, names, now);
    expect(third.counts.writes).toBe(1 + 1 + names.length * 2);
    await open().store.write('o1', host, names, now + 60);
    expect(third.counts.writes).toBe(1 + 1 + names.length * 2);
  });

  it('confirms a silence from the minute items before answering it, and reads the latest past a stale pulse', async () => {
    const { store } = open();
    const host = { kind: 'host' as const, id: 'quiet' };
    const start = now;
    for (let m = 0; m < 2 * HEARTBEAT_MINUTES; m++) {
      now = start + m * 60;
      await store.write('o1', host, post(now - 2), now);
    }
    let heartbeat = (await store.lastSeen('o1'))[host.id] ?? 0;
    if (heartbeat === now) {
      // That post was a heartbeat; the next minute's cannot be one too.
      now += 60;
      await store.write('o1', host, post(now - 2), now);
      heartbeat = (await store.lastSeen('o1'))[host.id] ?? 0;
    }
    const lastPost = now;
    expect(heartbeat).toBeLessThan(lastPost - 2);

    now = lastPost + 100;
    // Not asked to confirm anything before `heartbeat`: the heartbeat is the answer.
    expect((await store.lastSeen('o1', heartbeat))[host.id]).toBe(heartbeat);
    // Asked to confirm: the newest minute item is the answer, so no silence is made up.
    expect((await store.lastSeen('o1', now - 30))[host.id]).toBe(lastPost - 2);

    const latest = await store.latest('o1', [host.id], ['loadavg5']);
    expect(latest[host.id]?.loadavg5).toEqual({ time: lastPost - 2, value: (lastPost - 2) / 60 });
  });

  it('puts day items in the archive table and still reads day items packed into the metric table', async () => {
    const { store, counts } = open();
    const host = { kind: 'host' as const, id: 'archived' };
    now = D0 + 5 * 3600;
    const points = Array.from({ length: 120 }, (_, i) => ({ name: 'loadavg5', time: D0 + i * 60, value: i }));
    await store.write('o2', host, points, now);
    now = D0 + 2 * DAY + 60;
    const legacy = new DynamoMetricStore(
      createDocumentClient({ endpoint: dynamo.endpoint }),
      'metrics',
      {
        now: () => now * 1000,
      },
      460,
    );
    const other = { kind: 'host' as const, id: 'packed-before' };
    await legacy.write('o2', other, points, D0 + 5 * 3600);

    expect(await store.compactShard('o2', shardOf(host), now)).toBe(1);
    expect(counts.byTable.get('archive')).toBe(1);
    expect(await legacy.compactShard('o2', shardOf(other), now)).toBe(1);

    const query = (table: string, pk: string) =>
      createDocumentClient({ endpoint: dynamo.endpoint }).send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      );
    expect((await query('archive', dayPartition('o2', host, 'loadavg5'))).Items).toHaveLength(1);
    expect((await query('metrics', dayPartition('o2', host, 'loadavg5'))).Items).toHaveLength(0);

    now = D0 + 30 * DAY; // minute items are long gone: day items answer, from either table
    expect(await store.range('o2', host, 'loadavg5', D0, D0 + DAY - 1, 60)).toHaveLength(120);
    expect(await store.range('o2', other, 'loadavg5', D0, D0 + DAY - 1, 60)).toHaveLength(120);
  });
});
