import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { dayOf, minutePartition, pulseKeys } from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const DAY = 86400;
const T0 = 1_800_000_000;

describe('metric names on the DynamoDB store', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTableAt(dynamo.endpoint, 'names');
  });
  afterAll(() => dynamo.stop());

  it('takes 7,000 names of 60 characters for one host without any item outgrowing 400 KB', {
    timeout: 120_000,
  }, async () => {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    let now = T0;
    const store = new DynamoMetricStore(doc, 'names', { now: () => now * 1000 }, 460);
    const owner = { kind: 'host' as const, id: 'churny' };
    const names = Array.from({ length: 7000 }, (_, i) =>
      `container.${String(i).padStart(6, '0')}.`.padEnd(60, 'x'),
    );
    for (let i = 0; i < names.length; i += 500) {
      now += 60;
      await store.write(
        'o',
        owner,
        names.slice(i, i + 500).map((name) => ({ name, time: now, value: i })),
        now,
      );
    }
    expect(await store.names('o', owner)).toHaveLength(7000);
    const pulse = await doc.send(new GetCommand({ TableName: 'names', Key: pulseKeys('o', owner) }));
    expect(JSON.stringify(pulse.Item).length).toBeLessThan(1024);
    expect(
      (await store.range('o', owner, names[6999] as string, now - 60, now, 60)).map((p) => p.value),
    ).toEqual([6500]);
  });

  it('forgets names that have not been posted for the retention, and names posted again come back', async () => {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    let now = T0;
    const store = new DynamoMetricStore(doc, 'names', { now: () => now * 1000 }, 30);
    const owner = { kind: 'host' as const, id: 'aging' };
    await store.write(
      'o',
      owner,
      [
        { name: 'old.metric', time: now, value: 1 },
        { name: 'kept.metric', time: now, value: 1 },
      ],
      now,
    );
    now += 20 * DAY;
    await store.write('o', owner, [{ name: 'kept.metric', time: now, value: 2 }], now);
    expect(await store.names('o', owner)).toEqual(['kept.metric', 'old.metric']);
    now += 11 * DAY;
    expect(await store.names('o', owner)).toEqual(['kept.metric']);
    await store.forgetNames('o', owner, ['kept.metric']);
    expect(await store.names('o', owner)).toEqual([]);
    await store.write('o', owner, [{ name: 'kept.metric', time: now, value: 3 }], now);
    expect(await store.names('o', owner)).toEqual(['kept.metric']);
  });
});

describe('a minute with more metrics than one item holds', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTableAt(dynamo.endpoint, 'wide');
  });
  afterAll(() => dynamo.stop());

  // 5,000 names of 255 characters (1.4 MB for one host-minute) take the first item and several spill
  // parts; the largest post (20,000 such names, 5.3 MB) fits the 16 parts with room to spare.
  it('stores 5,000 names of 255 characters at one time whole, reads every one, and lets a later post win', {
    timeout: 120_000,
  }, async () => {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    const now = T0;
    const store = new DynamoMetricStore(doc, 'wide', { now: () => now * 1000 }, 460, { pageLimit: 100 });
    const owner = { kind: 'host' as const, id: 'wide' };
    const names = Array.from({ length: 5_000 }, (_, i) =>
      `m.${String(i).padStart(5, '0')}.`.padEnd(255, 'y'),
    );
    await store.write(
      'o',
      owner,
      names.map((name, i) => ({ name, time: now, value: i })),
      now,
    );
    const items = await doc.send(
      new QueryCommand({
        TableName: 'wide',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': minutePartition('o', owner, dayOf(now)) },
        ProjectionExpression: 'sk',
      }),
    );
    expect((items.Items ?? []).filter((i) => String(i.sk).includes('#')).length).toBeGreaterThan(1);
    for (const i of [0, 1000, 2500, 4_999]) {
      expect(
        (await store.range('o', owner, names[i] as string, now - 60, now, 60)).map((p) => p.value),
        `name ${i}`,
      ).toEqual([i]);
    }
    const last = names[4_999] as string;
    // A later, small post for the same time overwrites a spilled name (its first item wins).
    await store.write('o', owner, [{ name: last, time: now, value: -1 }], now);
    expect(await store.range('o', owner, last, now - 60, now, 60)).toEqual([{ time: now, value: -1 }]);
    expect((await store.latest('o', ['wide'], [last, names[0] as string])).wide).toEqual({
      [last]: { time: now, value: -1 },
      [names[0] as string]: { time: now, value: 0 },
    });
    // And the big post again: the spilled value is written, the first item's copy removed.
    await store.write(
      'o',
      owner,
      names.map((name, i) => ({ name, time: now, value: i })),
      now,
    );
    expect(await store.range('o', owner, last, now - 60, now, 60)).toEqual([{ time: now, value: 4_999 }]);
    expect(await store.names('o', owner)).toHaveLength(5_000);
  });
});
