/**
 * The cost model's inputs, computed from the code itself: the DynamoDB requests and write units an
 * agent post makes (sizes of the items the adapters really write, by DynamoDB's size rules), the
 * size of a compacted day, then monthly cost at 10,000 and 100,000 hosts for both metric stores.
 * Prices: us-east-1 list prices (on-demand DynamoDB, HTTP API, Lambda arm64, Timestream LiveAnalytics).
 */
import { packDay } from '#shared/adapters/dynamodb/day-codec.ts';
import {
  dayPartition,
  metricAttr,
  minuteKeys,
  pad,
  pulseKeys,
} from '#shared/adapters/dynamodb/metric-keys.ts';
import { saveResult } from './support.ts';

const NAMES = [
  'loadavg1',
  'loadavg5',
  'loadavg15',
  ...['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest'].map(
    (c) => `cpu.${c}.percentage`,
  ),
  ...['total', 'used', 'mem_available', 'swap_total', 'swap_free', 'swap_cached'].map((m) => `memory.${m}`),
  'disk.vda.reads.delta',
  'disk.vda.writes.delta',
  'interface.eth0.rxBytes.delta',
  'interface.eth0.txBytes.delta',
  'filesystem.vda1.size',
  'filesystem.vda1.used',
  'custom.nginx.requests',
  'custom.nginx.connections.active',
  'custom.app.err',
  'custom.app.req',
  'custom.app.rt.p50',
  'custom.app.rt.p99',
];
const PRICE = {
  httpApiPerMillion: 1.0, // first 300 M requests a month; 0.90 after
  httpApiPerMillionAfter300M: 0.9,
  lambdaRequestPerMillion: 0.2,
  lambdaGbSecondArm: 0.0000133334,
  ddbWritePerMillion: 0.625,
  ddbReadPerMillion: 0.125,
  ddbStorageGbMonth: 0.25,
  tsWritePerMillion1KB: 0.5,
  tsMemoryGbHour: 0.036,
  tsMagneticGbMonth: 0.03,
  logsIngestGb: 0.5,
};
const POSTS_PER_MONTH = 60 * 24 * 30;
const HOST_DAYS_KEPT = 460;

/** DynamoDB item size: attribute names + values (numbers ≈ 1 byte per 2 significant digits + 1). */
function sizeOf(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, v] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof v === 'string') bytes += Buffer.byteLength(v);
    else if (typeof v === 'number')
      bytes +=
        Math.ceil(
          String(v)
            .replace(/[-.]|e.*$/g, '')
            .replace(/^0+/, '').length / 2,
        ) + 1;
    else if (v instanceof Uint8Array) bytes += v.byteLength;
    else if (v instanceof Set) for (const s of v) bytes += Buffer.byteLength(String(s));
  }
  return bytes;
}

/** A day of one host's agent metrics, shaped like real ones (decimals, slowly moving byte counts). */
function agentDay(day: number): Map<string, { time: number; value: number }[]> {
  const series = new Map<string, { time: number; value: number }[]>();
  NAMES.forEach((name, j) => {
    let level = 1 + j;
    const pts = [];
    for (let m = 0; m < 1440; m++) {
      level = Math.max(0, level + (Math.random() - 0.5) * 0.2);
      const value =
        name.startsWith('memory') || name.startsWith('filesystem')
          ? Math.round(4e9 + level * 1e6) / 1
          : Math.round(level * 100) / 100;
      pts.push({ time: day + m * 60, value });
    }
    series.set(name, pts);
  });
  return series;
}

const owner = { kind: 'host' as const, id: 'Y4BKcfMFzeC' };
const org = 'acme-corp';
const day = 1_764_028_800;
const data = agentDay(day);
const tick = Object.fromEntries(NAMES.map((n) => [metricAttr(n), data.get(n)?.[600]?.value ?? 0]));
const minuteItem = sizeOf({ ...minuteKeys(org, owner, day + 36000), ...tick, ttl: day + 36000 + 8 * 86400 });
const pulseItem = sizeOf({
  ...pulseKeys(org, owner),
  at: day + 36005,
  lt: day + 36000,
  n: new Set(NAMES),
  cd: day - 2 * 86400,
});
const dayItems = NAMES.map((n) =>
  sizeOf({
    pk: dayPartition(org, owner, n),
    sk: pad(day),
    ...packDay(data.get(n) ?? [], day),
    ttl: day + 460 * 86400,
  }),
);
const dayBytes = dayItems.reduce((a, b) => a + b, 0);
const wru = (bytes: number) => Math.ceil(bytes / 1024);

const perPost = {
  minuteItemBytes: minuteItem,
  pulseItemBytes: pulseItem,
  writeUnits: wru(minuteItem) + wru(pulseItem),
  /** The ingest host check: one eventually consistent GetItem of the host item (≤ 4 KB: 0.5 unit). */
  readUnits: 0.5,
  lambdaMs: 15,
  lambdaGb: 0.5,
};
const compactedDayBytes = dayBytes;
const compactionPerHostDay = {
  readUnits: Math.ceil((1440 * minuteItem) / 4096 / 2),
  writeUnits: dayItems.reduce((a, b) => a + wru(b), 0),
};

function httpApi(requests: number): number {
  const first = Math.min(requests, 300e6);
  return (first * PRICE.httpApiPerMillion + (requests - first) * PRICE.httpApiPerMillionAfter300M) / 1e6;
}

function monthly(hosts: number, store: 'dynamodb' | 'timestream') {
  const posts = hosts * POSTS_PER_MONTH;
  const lambda =
    (posts * PRICE.lambdaRequestPerMillion) / 1e6 +
    posts * (perPost.lambdaMs / 1000) * perPost.lambdaGb * PRICE.lambdaGbSecondArm;
  const accessLogs = ((posts * 250) / 1e9) * PRICE.logsIngestGb;
  const hostReads = (posts * perPost.readUnits * PRICE.ddbReadPerMillion) / 1e6;
  const common = { apiGateway: httpApi(posts), lambda, accessLogs, hostChecks: hostReads };
  if (store === 'dynamodb') {
    const writes = (posts * perPost.writeUnits * PRICE.ddbWritePerMillion) / 1e6;
    const compaction =
      (hosts *
        30 *
        (compactionPerHostDay.writeUnits * PRICE.ddbWritePerMillion +
          compactionPerHostDay.readUnits * PRICE.ddbReadPerMillion)) /
      1e6;
    const storageGb = (hosts * (8 * 1440 * minuteItem + HOST_DAYS_KEPT * compactedDayBytes)) / 2 ** 30;
    return { ...common, writes, compaction, storage: storageGb * PRICE.ddbStorageGbMonth, storageGb };
  }
  const records = posts; // one multi-measure record (≤ 1 KB) a post
  const pulseWrites = (posts * wru(pulseItem) * PRICE.ddbWritePerMillion) / 1e6;
  const memoryGb = (hosts * 6 * 60 * 1024) / 2 ** 30; // 6 h of 1 KB records
  const magneticGb = (hosts * HOST_DAYS_KEPT * compactedDayBytes) / 2 ** 30; // assume Timestream compresses no worse
  return {
    ...common,
    writes: (records * PRICE.tsWritePerMillion1KB) / 1e6 + pulseWrites,
    memoryStore: memoryGb * PRICE.tsMemoryGbHour * 720,
    storage: magneticGb * PRICE.tsMagneticGbMonth,
    storageGb: magneticGb,
  };
}

const total = (m: Record<string, number>) =>
  Object.entries(m).reduce((a, [k, v]) => (k === 'storageGb' ? a : a + v), 0);
const model = Object.fromEntries(
  (['dynamodb', 'timestream'] as const).flatMap((store) =>
    [10_000, 100_000].map((hosts) => {
      const m = monthly(hosts, store);
      return [
        `${store}@${hosts}`,
        {
          ...Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(2)])),
          total: +total(m).toFixed(2),
          perHost: +(total(m) / hosts).toFixed(4),
        },
      ];
    }),
  ),
);
const result = { perPost, compactedDayBytes, compactionPerHostDay, model };
console.log(JSON.stringify(result, null, 2));
saveResult('cost-model', result);
