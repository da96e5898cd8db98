import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  RejectedRecordsException,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { TimestreamMetricStore } from '#shared/adapters/timestream/metric-store.ts';
import type { NamedPoint } from '#shared/domain/metrics.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const writeMock = mockClient(TimestreamWriteClient);
const queryMock = mockClient(TimestreamQueryClient);
const host = { kind: 'host' as const, id: 'h1' };
const T = 1_764_000_000;

/** A Timestream query page: named columns, rows of scalar strings (or NullValue). */
const page = (columns: string[], rows: (string | null)[][], NextToken?: string) => ({
  ColumnInfo: columns.map((Name) => ({ Name, Type: { ScalarType: 'VARCHAR' as const } })),
  Rows: rows.map((r) => ({ Data: r.map((v) => (v === null ? { NullValue: true } : { ScalarValue: v })) })),
  ...(NextToken && { NextToken }),
});

describe('Timestream metric store (Timestream mocked, pulses on dynalite)', () => {
  let dynamo: TestDynamo;
  let store: TimestreamMetricStore;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureTableAt(dynamo.endpoint, 'entities');
    store = new TimestreamMetricStore({
      write: new TimestreamWriteClient({ region: 'us-east-1' }),
      query: new TimestreamQueryClient({ region: 'us-east-1' }),
      target: { database: 'saba', table: 'points' },
      pulses: { doc: createDocumentClient({ endpoint: dynamo.endpoint }), name: 'entities' },
      versionMs: () => 1_764_000_123_456,
    });
  });
  afterAll(() => dynamo.stop());
  beforeEach(() => {
    writeMock.reset();
    queryMock.reset();
  });

  it('writes one multi-measure record per time, at most 100 records per call, with an upsert version', async () => {
    writeMock.on(WriteRecordsCommand).resolves({});
    const points: NamedPoint[] = Array.from({ length: 250 }, (_, i) => ({
      name: 'loadavg5',
      time: T + i * 60,
      value: i,
    }));
    points.push({ name: 'cpu.user.percentage', time: T, value: 12.5 });
    await store.write('o1', host, points, T + 9999);

    const calls = writeMock.commandCalls(WriteRecordsCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([100, 100, 50]);
    const first = calls[0]?.args[0].input;
    expect(first?.DatabaseName).toBe('saba');
    expect(first?.TableName).toBe('points');
    expect(first?.Records?.[0]).toEqual({
      Dimensions: [
        { Name: 'org', Value: 'o1' },
        { Name: 'kind', Value: 'host' },
        { Name: 'owner', Value: 'h1' },
      ],
      MeasureName: 'metrics',
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'loadavg5', Value: '0', Type: 'DOUBLE' },
        { Name: 'cpu.user.percentage', Value: '12.5', Type: 'DOUBLE' },
      ],
      Time: String(T),
      TimeUnit: 'SECONDS',
      Version: 1_764_000_123_456,
    });
    expect(await store.names('o1', host)).toEqual(['cpu.user.percentage', 'loadavg5']);
    expect(await store.lastSeen('o1')).toEqual({ h1: T + 9999 });
  });

  it('reports rejected records with their reasons and does not record a heartbeat', async () => {
    writeMock.on(WriteRecordsCommand).rejects(
      new RejectedRecordsException({
        message: 'rejected',
        $metadata: {},
        RejectedRecords: [
          {
            RecordIndex: 0,
            Reason: 'The record timestamp is outside the time range of the data ingestion window.',
          },
        ],
      }),
    );
    const err = await store.write('o2', host, [{ name: 'm', time: T, value: 1 }], T).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/rejected 1 record.*#0: The record timestamp is outside/);
    expect(await store.lastSeen('o2')).toEqual({});
  });

  it('reads raw points with one query per page, following NextToken', async () => {
    queryMock
      .on(QueryCommand)
      .resolvesOnce(page(['owner', 't', 'v'], [['h1', `${T}.000000000`, '1.5']], 'next'))
      .resolvesOnce(page(['owner', 't', 'v'], [['h1', `${T + 60}.000000000`, '2']]));
    expect(await store.range('o1', host, 'loadavg5', T, T + 60, 60)).toEqual([
      { time: T, value: 1.5 },
      { time: T + 60, value: 2 },
    ]);
    const calls = queryMock.commandCalls(QueryCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('next');
    const sql = calls[0]?.args[0].input.QueryString ?? '';
    expect(sql).toContain('"saba"."points"');
    expect(sql).toContain(`from_unixtime(${T}) AND from_unixtime(${T + 60})`);
    expect(sql).toContain(`owner IN ('h1')`);
    expect(sql).not.toContain('bin(');
  });

  it('averages long ranges with bin() over whole buckets, and keeps owners apart', async () => {
    queryMock.on(QueryCommand).resolves(
      page(
        ['owner', 't', 'v'],
        [
          ['h1', `${T - (T % 3600)}`, '3'],
          ['h2', `${T - (T % 3600)}`, null],
        ],
      ),
    );
    const out = await store.rangeMany(
      'o1',
      [host, { kind: 'host', id: 'h2' }],
      'loadavg5',
      T,
      T + 30 * 86400,
      3600,
    );
    expect(out).toEqual({ h1: [{ time: T - (T % 3600), value: 3 }], h2: [] });
    const sql = queryMock.commandCalls(QueryCommand)[0]?.args[0].input.QueryString ?? '';
    expect(sql).toContain('bin(time, 3600s)');
    expect(sql).toContain('avg("loadavg5")');
    expect(sql).toContain(`from_unixtime(${T - (T % 3600)})`);
  });

  it('escapes quotes in literals', async () => {
    writeMock.on(WriteRecordsCommand).resolves({});
    await store.write("o'1", { kind: 'host', id: "h'1" }, [{ name: 'm', time: T, value: 1 }], T);
    queryMock.on(QueryCommand).resolves(page(['owner', 't', 'v'], []));
    await store.range("o'1", { kind: 'host', id: "h'1" }, 'm', T, T, 60);
    const sql = queryMock.commandCalls(QueryCommand)[0]?.args[0].input.QueryString ?? '';
    expect(sql).toContain("org = 'o''1'");
    expect(sql).toContain("owner IN ('h''1')");
  });

  it('answers latest values from the newest rows of hosts that have posted', async () => {
    writeMock.on(WriteRecordsCommand).resolves({});
    await store.write('o1', host, [{ name: 'memory.used', time: T + 15000, value: 100 }], T + 15005);
    queryMock.on(QueryCommand).resolves(
      page(
        ['owner', 't', 'loadavg5', 'memory.used'],
        [
          ['h1', `${T + 15000}`, null, '100'],
          ['h1', `${T + 14940}`, '0.5', '90'],
        ],
      ),
    );
    expect(await store.latest('o1', ['h1', 'never'], ['loadavg5', 'memory.used', 'never.posted'])).toEqual({
      h1: {
        loadavg5: { time: T + 14940, value: 0.5 },
        'memory.used': { time: T + 15000, value: 100 },
        'never.posted': null,
      },
      never: { loadavg5: null, 'memory.used': null, 'never.posted': null },
    });
    const sql = queryMock.commandCalls(QueryCommand)[0]?.args[0].input.QueryString ?? '';
    expect(sql).toContain(`owner IN ('h1')`);
    // Timestream refuses a query naming a measure it has never seen: such names are not asked for
    expect(sql).not.toContain('never.posted');
  });

  it('does not query owners that never posted the metric', async () => {
    expect(await store.rangeMany('o1', [{ kind: 'host', id: 'ghost' }], 'loadavg5', T, T + 60, 60)).toEqual({
      ghost: [],
    });
    expect(await store.range('o1', host, 'no.such.metric', T, T + 60, 60)).toEqual([]);
    expect(queryMock.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
