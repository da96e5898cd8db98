import { deflateRawSync } from 'node:zlib';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import {
  dayPartition,
  PULSE_SHARDS,
  pad,
  pulsePartition,
  shardOf,
} from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const DAY = 86400;
const D0 = 1_763_942_400; // a UTC midnight

describe('DynamoDB metric layout on dynalite', () => {
  let dynamo: TestDynamo;
  let now = D0 + 3 * DAY;
  let store: DynamoMetricStore;
  const doc = () => createDocumentClient({ endpoint: dynamo.endpoint });

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTableAt(dynamo.endpoint, 'metrics');
    store = new DynamoMetricStore(doc(), 'metrics', { now: () => now * 1000 }, 460);
  });
  afterAll(() => dynamo.stop());

  it('packs a finished day into one item per metric, which reads use once minute items have expired', async () => {
    const host = { kind: 'host' as const, id: 'h1' };
    const points = Array.from({ length: 1440 }, (_, i) => [
      { name: 'loadavg5', time: D0 + i * 60, value: i / 10 },
      { name: 'memory.used', time: D0 + i * 60, value: 1e9 + i },
    ]).flat();
    for (let i = 0; i < points.length; i += 200) await store.write('o1', host, points.slice(i, i + 200), now);
    const shard = shardOf(host);
    expect(await store.compactShard('o1', shard, now)).toBe(1);
    expect(await store.compactShard('o1', shard, now)).toBe(0); // recorded as done

    const day = await doc().send(
      new QueryCommand({
        TableName: 'metrics',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': dayPartition('o1', host, 'loadavg5') },
      }),
    );
    expect(day.Items).toHaveLength(1);
    const item = day.Items?.[0] ?? {};
    const bytes = (item.t as Uint8Array).byteLength + (item.w as Uint8Array).byteLength;
    expect(bytes).toBeLessThan(1440); // tenths rising by 0.1: one varint a point, deflated
    expect(item.h).toBeUndefined(); // hourly sums come from the points

    now = D0 + 30 * DAY; // minute items are past their TTL window: only day items can answer
    const raw = await store.range('o1', host, 'loadavg5', D0, D0 + DAY - 1, 60);
    expect(raw).toHaveLength(1440);
    expect(raw[1439]).toEqual({ time: D0 + 1439 * 60, value: 143.9 });
    const hourly = await store.range('o1', host, 'memory.used', D0, D0 + DAY - 1, 3600);
    expect(hourly).toHaveLength(24);
    expect(hourly[0]).toEqual({ time: D0, value: 1e9 + 29.5 });
  });

  it('still reads day items packed in the first form (float64 values, stored hourly sums)', async () => {
    const host = { kind: 'host' as const, id: 'h-legacy' };
    const deltas = new Int32Array(1440).fill(60);
    deltas[0] = 0;
    const values = new Float64Array(Array.from({ length: 1440 }, (_, i) => i / 3));
    const hours = new Float64Array(48);
    for (let h = 0; h < 24; h++) {
      hours[h * 2] = values.slice(h * 60, h * 60 + 60).reduce((a, b) => a + b, 0);
      hours[h * 2 + 1] = 60;
    }
    await doc().send(
      new PutCommand({
        TableName: 'metrics',
        Item: {
          pk: dayPartition('o1', host, 'cpu.user.percentage'),
          sk: pad(D0),
          t: deflateRawSync(new Uint8Array(deltas.buffer)),
          v: deflateRawSync(new Uint8Array(values.buffer)),
          h: new Uint8Array(hours.buffer),
          ttl: D0 + 460 * DAY,
        },
      }),
    );
    now = D0 + 30 * DAY;
    const raw = await store.range('o1', host, 'cpu.user.percentage', D0, D0 + DAY - 1, 60);
    expect(raw).toHaveLength(1440);
    expect(raw[1000]).toEqual({ time: D0 + 1000 * 60, value: 1000 / 3 });
    const hourly = await store.range('o1', host, 'cpu.user.percentage', D0, D0 + DAY - 1, 3600);
    expect(hourly[1]).toEqual({ time: D0 + 3600, value: (hours[2] ?? 0) / 60 });
  });

  it('spreads pulses over the shards of an organization', async () => {
    const shards = new Set(
      Array.from({ length: 1000 }, (_, i) => shardOf({ kind: 'host', id: `host-${i}` })),
    );
    expect(shards.size).toBe(PULSE_SHARDS);
    await store.write('o2', { kind: 'host', id: 'a' }, [{ name: 'x', time: D0, value: 1 }], D0 + 5);
    const pulse = await doc().send(
      new QueryCommand({
        TableName: 'metrics',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pulsePartition('o2', shardOf({ kind: 'host', id: 'a' })) },
      }),
    );
    expect(pulse.Items?.[0]).toMatchObject({ sk: 'host#a', at: D0 + 5, lt: D0 });
  });
});
