/**
 * The cost model. Part 1 measures, on dynalite (which sizes capacity by DynamoDB's rules), what the
 * real metric store consumes: agents post once a simulated minute through several store instances
 * (Lambda containers, some replaced as the hours go by), across a UTC midnight, while the checker's
 * silence confirmation runs every minute; every write and read unit is counted by key prefix.
 * It also sizes a compacted day with the real codec. Part 2 turns those units into monthly cost at
 * 100, 10,000 and 100,000 hosts (us-east-1 list prices), with the levers on and off, the idle cost
 * of a small deployment, the provisioned-capacity break-even, and what mirroring to CloudWatch costs.
 */
import { deflateRawSync } from 'node:zlib';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ACCESS_LOG_FIELDS } from '#infra/constructs/http-api.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { packDay } from '#shared/adapters/dynamodb/day-codec.ts';
import { dynamoEntityStore } from '#shared/adapters/dynamodb/entity-store.ts';
import { hostSummaryKeys } from '#shared/adapters/dynamodb/keys.ts';
import { HEARTBEAT_MINUTES } from '#shared/adapters/dynamodb/metric-arrivals.ts';
import { dayPartition, MINUTE_ITEM_TTL, PULSE_SHARDS, pad } from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS } from '#shared/config.ts';
import { newId } from '#shared/domain/ids.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';
import {
  costAt,
  loadCheckerBenches,
  MEMBER_READS,
  monthlyChecker,
  runCost,
  STEADY,
} from './checker-costs.ts';
import {
  type FrontMeasurement,
  INGRESS_CONTEXTS,
  type IngressName,
  measureFront,
} from './front-invocations.ts';
import { saveResult, startDynalite } from './support.ts';

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
const DAY = 86400;
const ORG = 'acme-corp';

// ---------------------------------------------------------------- part 1: measured on dynalite

/** Adds ReturnConsumedCapacity to every call and sums the units by key prefix (M#, P#, N#, D#). */
function metered(doc: DynamoDBDocumentClient) {
  const units = { write: new Map<string, number>(), read: new Map<string, number>() };
  const prefixOf = (input: Record<string, unknown>): string => {
    const key = (input.Key ?? input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const pk = String(key.pk ?? key[':pk'] ?? '?');
    return pk.slice(0, pk.indexOf('#') + 1) || pk;
  };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const output = out.output as { ConsumedCapacity?: unknown };
      const consumed = [output.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[];
      const total = consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
      const kind = /^(Update|Put|Delete|BatchWrite)/.test(context.commandName ?? '') ? 'write' : 'read';
      const prefix = context.commandName?.startsWith('Batch') ? 'batch' : prefixOf(input);
      units[kind].set(prefix, (units[kind].get(prefix) ?? 0) + total);
      return out;
    },
    { step: 'initialize' },
  );
  return units;
}

async function measure() {
  const HOSTS = 40;
  const PROCESSES = 4;
  const dynamo = await startDynalite(['metrics', 'entities']);
  try {
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    const units = metered(doc);
    let now = 1_764_028_800 - 90 * 60; // 22:30 UTC: the run crosses a midnight (daily name refresh)
    const clock = { now: () => now * 1000 };
    const deps = { entities: dynamoEntityStore(doc, 'entities'), clock, newId } as unknown as Deps;
    for (let h = 0; h < HOSTS; h++)
      await deps.entities.hosts.putSummary(ORG, {
        id: `host-${h}`,
        name: `web-${h}.prod.acme.example`,
        status: 'working',
        isRetired: false,
        createdAt: 1_700_000_000,
        roles: { shop: ['web'] },
        memo: '',
      });
    // A process: its metric store and its liveness cache (what the ingest function keeps warm).
    const open = () => ({
      store: new DynamoMetricStore(doc, 'metrics', clock, 460),
      owners: new WritableOwners(clock),
    });
    const processes = Array.from({ length: PROCESSES }, open);
    const level = NAMES.map((_, j) => 1 + j);
    const post = async (host: number) => {
      const points = NAMES.map((name, j) => {
        level[j] = Math.max(0, (level[j] ?? 0) + (Math.random() - 0.5) * 0.2);
        return { name, time: now - 2, value: dayValue('walk', name, level[j] ?? 0) };
      });
      const via = processes[Math.floor(Math.random() * PROCESSES)] as ReturnType<typeof open>;
      await via.owners.assertHosts(deps, ORG, [`host-${host}`]);
      await via.store.write(ORG, { kind: 'host', id: `host-${host}` }, points, now);
    };
    const minute = async () => {
      for (let h = 0; h < HOSTS; h++) {
        now += Math.floor(60 / HOSTS) * (h === 0 ? 0 : 1);
        await post(h);
      }
    };
    // Warm-up: every process meets every host and records the names (new deployments pay this once).
    for (let m = 0; m < 10; m++) {
      now = 1_764_028_800 - 90 * 60 + m * 60;
      await minute();
    }
    units.write.clear();
    units.read.clear();
    const MINUTES = 180;
    let confirmRuns = 0;
    for (let m = 0; m < MINUTES; m++) {
      now = 1_764_028_800 - 80 * 60 + m * 60;
      // A container replaced every 30 minutes: 48 new processes a day in all.
      if (m % 30 === 29) processes[((m / 30) % PROCESSES) | 0] = open();
      await minute();
      const confirmedBefore = units.read.get('M#') ?? 0;
      await processes[0]?.store.lastSeen(ORG, now - DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS);
      confirmRuns++;
      units.read.set(
        'confirm',
        (units.read.get('confirm') ?? 0) + (units.read.get('M#') ?? 0) - confirmedBefore,
      );
    }
    const posts = HOSTS * MINUTES;
    const w = (p: string) => units.write.get(p) ?? 0;
    return {
      hosts: HOSTS,
      processes: PROCESSES,
      minutes: MINUTES,
      writeUnitsPerPost: {
        minuteItem: +(w('M#') / posts).toFixed(4),
        pulse: +(w('P#') / posts).toFixed(4),
        /** The run covers one midnight: each host's names are refreshed once. */
        names: +(w('N#') / posts / (DAY / 60 / MINUTES)).toFixed(4),
      },
      /** Liveness checks (host summaries and the hosts-changed mark, through HostCache), per post. */
      livenessReadUnitsPerPost: +(
        ((units.read.get('batch') ?? 0) + (units.read.get('O#') ?? 0)) /
        posts
      ).toFixed(4),
      /** The checker's confirmation of silences (Queries of newest minute items), per host and run. */
      confirmReadUnitsPerHostRun: +((units.read.get('confirm') ?? 0) / confirmRuns / HOSTS).toFixed(4),
    };
  } finally {
    await dynamo.stop();
  }
}

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
  }
  return bytes;
}

/**
 * How a day's values look. `walk`: every series a random walk, memory and filesystem sizes in
 * bytes, the rest with two decimals (the model's data since the first cost model). `agent`: what
 * the agent computes as ratios (CPU percentages, disk and interface rates, response times) carries
 * a full float64 mantissa, which no lossless coding shrinks much.
 */
type DayProfile = 'walk' | 'agent';
const RATIO = /^(cpu\.|disk\.|interface\.|custom\.app\.rt)/;
function dayValue(profile: DayProfile, name: string, level: number): number {
  if (name.startsWith('memory') || name.startsWith('filesystem')) return Math.round(4e9 + level * 1e6);
  if (profile === 'agent' && RATIO.test(name)) return (level * 100) / 3;
  return Math.round(level * 100) / 100;
}

/**
 * A day item's bytes in the first form (before values were coded by their shape): the deflated
 * time deltas and float64 values, and 24 hourly float64 [sum, count] pairs.
 */
function firstFormBytes(points: { time: number; value: number }[], day: number): Record<string, unknown> {
  const deltas = new Int32Array(
    points.map((p, i) => p.time - (i === 0 ? day : (points[i - 1]?.time ?? day))),
  );
  return {
    t: deflateRawSync(new Uint8Array(deltas.buffer)),
    v: deflateRawSync(new Uint8Array(new Float64Array(points.map((p) => p.value)).buffer)),
    h: new Uint8Array(48 * 8),
  };
}

/** A compacted agent day (30 metrics) in the current and the first coding, with the real keys. */
function daySizes(profile: DayProfile) {
  const day = 1_764_028_800;
  const owner = { kind: 'host' as const, id: 'Y4BKcfMFzeC' };
  const sized = { current: { dayBytes: 0, dayWriteUnits: 0 }, first: { dayBytes: 0, dayWriteUnits: 0 } };
  NAMES.forEach((name, j) => {
    let level = 1 + j;
    const points = Array.from({ length: 1440 }, (_, m) => {
      level = Math.max(0, level + (Math.random() - 0.5) * 0.2);
      return { time: day + m * 60, value: dayValue(profile, name, level) };
    });
    const keys = { pk: dayPartition(ORG, owner, name), sk: pad(day), ttl: day + 460 * DAY };
    for (const [coding, item] of [
      ['current', { ...keys, ...packDay(points, day) }],
      ['first', { ...keys, ...firstFormBytes(points, day) }],
    ] as const) {
      const size = sizeOf(item);
      sized[coding].dayBytes += size;
      sized[coding].dayWriteUnits += Math.ceil(size / 1024);
    }
  });
  return sized;
}

/** The items and the access line, sized with the real codec and keys. */
function itemSizes(profile: DayProfile = 'walk') {
  const owner = { kind: 'host' as const, id: 'Y4BKcfMFzeC' };
  const day = 1_764_028_800;
  const { current, first } = daySizes(profile);
  const minuteItemBytes =
    sizeOf({ pk: `M#${ORG}#host#${owner.id}#${pad(day)}`, sk: pad(day), ttl: day }) +
    NAMES.reduce((s, n) => s + n.length + 1 + 4, 0);
  const summaryBytes = sizeOf({
    ...hostSummaryKeys(ORG, owner.id),
    doc: JSON.stringify({
      id: owner.id,
      name: 'web-017.prod.acme.example',
      status: 'working',
      isRetired: false,
      createdAt: 1_700_000_000,
      roles: { shop: ['web'] },
      memo: '',
    }),
  });
  // The access line of a post, with each front's request id: API Gateway's, the function URL's
  // (Lambda's UUID), the load balancer's trace id.
  const accessLine = (id: string) =>
    JSON.stringify({
      id,
      ip: '203.0.113.45',
      m: 'POST',
      p: '/api/v0/tsdb',
      s: '200',
      b: '15',
      ms: '14',
      err: '-',
    } satisfies Record<keyof typeof ACCESS_LOG_FIELDS, string>).length + 26; // + CloudWatch's event overhead
  const accessLogBytes: Record<IngressName, number> = {
    'http-api': accessLine('Jx3kVhRKoAMEMdw='),
    'function-url': accessLine('9f1c2d7e-4b3a-4c5d-8e6f-0a1b2c3d4e5f'),
    alb: accessLine('Root=1-67a1b2c3-0123456789abcdef01234567'),
  };
  const pulseBytes = sizeOf({
    pk: `P#${ORG}#17`,
    sk: `host#${owner.id}`,
    at: day + 36_005,
    lt: day + 36_000,
    nh: 'x1b2c3d',
    nd: 20_420,
    cd: day - 2 * DAY,
  });
  return {
    profile,
    ...current,
    firstForm: first,
    minuteItemBytes,
    summaryBytes,
    pulseBytes,
    accessLogBytes,
  };
}

// ---------------------------------------------------------------- part 2: money

const PRICE = {
  httpApiPerMillion: 1.0, // first 300 M requests a month; 0.90 after
  httpApiPerMillionAfter300M: 0.9,
  lambdaRequestPerMillion: 0.2,
  lambdaGbSecondArm: 0.0000133334,
  ddbWritePerMillion: 0.625,
  ddbReadPerMillion: 0.125,
  ddbIaWritePerMillion: 0.78125,
  ddbStorageGbMonth: 0.25,
  ddbIaStorageGbMonth: 0.1,
  wcuHour: 0.00065,
  rcuHour: 0.00013,
  tsWritePerMillion1KB: 0.5,
  tsMemoryGbHour: 0.036,
  tsMagneticGbMonth: 0.03,
  logsIngestGb: 0.5,
  logsIaIngestGb: 0.25,
  alarm: 0.1,
  sqsPerMillion: 0.4,
  schedulerPerMillion: 1.0,
  cwMetricMonthTiers: [
    [10_000, 0.3],
    [240_000, 0.1],
    [750_000, 0.05],
    [Number.POSITIVE_INFINITY, 0.02],
  ] as [number, number][],
  putMetricDataPer1000: 0.01,
  xrayTracesPerMillion: 5.0, // first 100,000 a month free
  albHour: 0.0225,
  lcuHour: 0.008,
  publicIpv4Hour: 0.005,
};
const POSTS = 60 * 24 * 30; // an agent's posts a month
const HOURS = 720;
/** Assumed, not measured here: a checker run, only when bench:checker has left no results (CHECKER below). */
const CHECKER_MS = { idle: 150, per10kHosts: 1500 };
/** The checker as bench:checker measured it (with its 1,000 monitors), when it has been run. */
const CHECKER = loadCheckerBenches();
/** Provisioned capacity runs at the auto scaling targets the construct sets. */
const WRITE_TARGET = 0.8;
const READ_TARGET = 0.7;
/** Lambda's SQS poller: about five 20-second long polls at a time, all month, per queue. */
const SQS_POLLS_PER_QUEUE = 5 * 3 * 60 * HOURS;

function httpApi(requests: number): number {
  const first = Math.min(requests, 300e6);
  return (first * PRICE.httpApiPerMillion + (requests - first) * PRICE.httpApiPerMillionAfter300M) / 1e6;
}

type Measured = Awaited<ReturnType<typeof measure>>;
type Sizes = ReturnType<typeof itemSizes>;

/**
 * What Lambda bills a post, from what was measured: the handler's CPU at the share of a vCPU Lambda
 * gives the function's memory (1,769 MB is one vCPU), plus each AWS call at an in-region DynamoDB
 * round trip (assumed: 5 ms, the service's "single-digit milliseconds"; moto's answers take longer),
 * plus half a millisecond of rounding up. The same CPU-to-Lambda-time rule prices the checker.
 */
const DYNAMODB_ROUND_TRIP_MS = 5;
const billedMs = (f: FrontMeasurement): number =>
  f.cpuMsMean * (1769 / f.memoryMb) + f.awsCallsPerPost * DYNAMODB_ROUND_TRIP_MS + 0.5;

/**
 * The front door's share: requests (API Gateway's, or a load balancer's hours and capacity units and
 * public addresses), the function each post invokes (its measured billed duration), the access log
 * line, and X-Ray traces when the function traces actively (Lambda samples 1 request a second and 5 %
 * of the rest, unchangeably; 100,000 traces a month are free across the account, left out here).
 */
function frontCost(
  ingress: IngressName,
  hosts: number,
  measured: FrontMeasurement,
  s: Sizes,
  levers: Levers,
): Record<string, number> {
  const posts = hosts * POSTS;
  const rps = posts / (HOURS * 3600);
  const gbSeconds = posts * (billedMs(measured) / 1000) * (measured.memoryMb / 1024);
  const lambda = (posts * PRICE.lambdaRequestPerMillion) / 1e6 + gbSeconds * PRICE.lambdaGbSecondArm;
  const sampled = rps <= 1 ? rps : 1 + 0.05 * (rps - 1);
  const xray = levers.hotPathTracing ? ((sampled * HOURS * 3600) / 1e6) * PRICE.xrayTracesPerMillion : 0;
  // The access line (API Gateway's, or the function's own with the same fields), Infrequent Access.
  const logBytes = levers.lightLogs ? s.accessLogBytes[ingress] : 250 + 26 + 200 + 400;
  const logs = ((posts * logBytes) / 1e9) * (levers.lightLogs ? PRICE.logsIaIngestGb : PRICE.logsIngestGb);
  if (ingress === 'http-api') return { apiGateway: httpApi(posts), lambda, logs, xray };
  if (ingress === 'function-url') return { functionUrl: 0, lambda, logs, xray };
  // Load balancer capacity units, the largest of: new connections (25 a second), active connections
  // (3,000 a minute: agents keep theirs open, posting every 60 s inside the 120 s idle timeout),
  // processed bytes (0.4 GB an hour for Lambda targets); no listener rules to evaluate.
  const gbPerHour = (rps * 3600 * (measured.requestBytes + measured.responseBytes)) / 1e9;
  const lcu = Math.max(hosts / 3000, gbPerHour / 0.4, 1 / 25);
  const loadBalancer = HOURS * (PRICE.albHour + lcu * PRICE.lcuHour + 2 * PRICE.publicIpv4Hour);
  return { loadBalancer, lambda, logs, xray };
}

interface Levers {
  /** The pulse on every post and names once per process a day (the previous design). */
  everyPostPulse: boolean;
  provisioned: boolean;
  archive: boolean;
  lightLogs: boolean;
  minuteDays: number;
  /** X-Ray active tracing on the function every post invokes (on before this issue). */
  hotPathTracing: boolean;
  /** Day items with values coded by their shape, no stored hourly pairs (else the first form). */
  dayCoding: boolean;
  ingress: IngressName;
}
const NOW: Levers = {
  everyPostPulse: false,
  provisioned: false,
  archive: true,
  lightLogs: true,
  minuteDays: MINUTE_ITEM_TTL / DAY,
  hotPathTracing: false,
  dayCoding: true,
  ingress: 'http-api',
};
const BEFORE: Levers = {
  everyPostPulse: true,
  provisioned: false,
  archive: false,
  lightLogs: false,
  minuteDays: 8,
  hotPathTracing: true,
  dayCoding: false,
  ingress: 'http-api',
};

function monthly(hosts: number, m: Measured, s: Sizes, store: 'dynamodb' | 'timestream', levers: Levers) {
  // (The front door's share is frontCost's.)
  const posts = hosts * POSTS;
  const perWrite = levers.provisioned
    ? (PRICE.wcuHour / 3600 / WRITE_TARGET) * 1e6
    : PRICE.ddbWritePerMillion;
  const perRead = levers.provisioned ? (PRICE.rcuHour / 3600 / READ_TARGET) * 1e6 : PRICE.ddbReadPerMillion;
  const front = frontCost(levers.ingress, hosts, FRONTS[levers.ingress], s, levers);
  // Liveness: host summaries through HostCache (entity table, on-demand), as measured; before, one
  // read of the full host item (~4.3 KB: 1 unit) a post.
  const liveness =
    (posts * (levers.everyPostPulse ? 1 : m.livenessReadUnitsPerPost) * PRICE.ddbReadPerMillion) / 1e6;
  const checkerRuns = 60 * 24 * 30;
  const checkerLambda =
    (checkerRuns * PRICE.lambdaRequestPerMillion) / 1e6 +
    checkerRuns *
      ((CHECKER_MS.idle + (CHECKER_MS.per10kHosts * hosts) / 10_000) / 1000) *
      1 *
      PRICE.lambdaGbSecondArm;
  // Each run: the summary shards (entity table) and pulse shards (metric table), 32 Queries each,
  // eventually consistent, by bytes read (0.5 unit at least a Query), plus the silences confirmed.
  const shardReads = (bytes: number) => Math.max(PULSE_SHARDS * 0.5, (hosts * bytes) / 4096 / 2);
  const checkerReads =
    (checkerRuns *
      (shardReads(s.summaryBytes) * PRICE.ddbReadPerMillion +
        (shardReads(s.pulseBytes) + (levers.everyPostPulse ? 0 : hosts * m.confirmReadUnitsPerHostRun)) *
          perRead)) /
    1e6;
  // Measured instead when bench:checker has run: the scheduled run and its jobs (Lambda time from
  // their CPU, read units, SQS), and the role series writes ingest makes for the expressions.
  const measuredChecker = levers.everyPostPulse ? undefined : costAt(CHECKER, hosts, STEADY);
  const checker = measuredChecker
    ? monthlyChecker(measuredChecker, PRICE, perWrite)
    : { checker: checkerLambda + checkerReads, roleSeriesWrites: 0 };
  // Alert events: assumed 4 a host-month (two alerts opened and closed), each one email through SES
  // ($0.10 per 1,000): an SQS send, receive and delete, a notifier invocation (200 ms at 256 MB),
  // the delivery claim and mark (2 writes), the channel and user reads (2 reads).
  const events = hosts * 4;
  const notifier =
    events *
    (0.1 / 1000 +
      (3 * PRICE.sqsPerMillion) / 1e6 +
      PRICE.lambdaRequestPerMillion / 1e6 +
      0.2 * 0.25 * PRICE.lambdaGbSecondArm +
      (2 * PRICE.ddbWritePerMillion + 2 * PRICE.ddbReadPerMillion) / 1e6);
  const common = {
    ...front,
    notifier,
    liveness,
    // Role series are kept only with the DynamoDB metric store (Timestream reads a role in one query).
    checker: checker.checker + (store === 'dynamodb' ? checker.roleSeriesWrites : 0),
  };
  const pulseUnits = levers.everyPostPulse ? 1 : m.writeUnitsPerPost.pulse;
  // Before: each process wrote every name once a day (≈ 48 processes × 30 names × 2 items a host-day).
  const nameUnits = levers.everyPostPulse ? (48 * NAMES.length * 2) / 1440 : m.writeUnitsPerPost.names;
  if (store === 'timestream') {
    const memoryGb = (hosts * 6 * 60 * 1024) / 2 ** 30;
    // Timestream's own compression, approximated by our first day coding (deflated float64).
    const magneticGb = (hosts * 460 * s.firstForm.dayBytes) / 2 ** 30;
    return {
      ...common,
      writes:
        (posts * PRICE.tsWritePerMillion1KB) / 1e6 +
        (posts * (1 + nameUnits) * PRICE.ddbWritePerMillion) / 1e6,
      memoryStore: memoryGb * PRICE.tsMemoryGbHour * HOURS,
      storage: magneticGb * PRICE.tsMagneticGbMonth,
      storageGb: magneticGb,
    };
  }
  const writeUnits = m.writeUnitsPerPost.minuteItem + pulseUnits + nameUnits;
  const days = levers.dayCoding ? s : s.firstForm;
  const writes = (posts * writeUnits * perWrite) / 1e6;
  const compactionReads =
    (hosts * 30 * Math.ceil((1440 * s.minuteItemBytes) / 4096 / 2) * PRICE.ddbReadPerMillion) / 1e6;
  const compactionWrites =
    (hosts *
      30 *
      days.dayWriteUnits *
      (levers.archive ? PRICE.ddbIaWritePerMillion : PRICE.ddbWritePerMillion)) /
    1e6;
  // TTL deletes lag up to two days behind the expiry time.
  const minuteGb = (hosts * (levers.minuteDays + 1) * 1440 * s.minuteItemBytes) / 2 ** 30;
  const dayGb = (hosts * 460 * days.dayBytes) / 2 ** 30;
  const storage =
    minuteGb * PRICE.ddbStorageGbMonth +
    dayGb * (levers.archive ? PRICE.ddbIaStorageGbMonth : PRICE.ddbStorageGbMonth);
  return {
    ...common,
    writes,
    compaction: compactionReads + compactionWrites,
    storage,
    storageGb: minuteGb + dayGb,
  };
}

const total = (m: Record<string, number>) =>
  Object.entries(m).reduce((a, [k, v]) => (k === 'storageGb' ? a : a + v), 0);
const rounded = (m: Record<string, number>, hosts: number) => ({
  ...Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(2)])),
  total: +total(m).toFixed(2),
  perHost: +(total(m) / hosts).toFixed(4),
});

/** What a deployment costs at rest: the standing charges, whatever the hosts do. */
function idle(withForwarder: boolean) {
  const alarms = (15 + (withForwarder ? 2 : 0)) * PRICE.alarm;
  const queues = 3 + (withForwarder ? 1 : 0); // notifications, checker jobs, compaction (, forwarding)
  const sqsPolling = (queues * SQS_POLLS_PER_QUEUE * PRICE.sqsPerMillion) / 1e6;
  const runs = 60 * 24 * 30;
  const checker =
    (runs * PRICE.lambdaRequestPerMillion) / 1e6 +
    runs * (CHECKER_MS.idle / 1000) * PRICE.lambdaGbSecondArm +
    (runs * (2 * PULSE_SHARDS + 6) * 0.5 * PRICE.ddbReadPerMillion) / 1e6;
  const scheduler = ((runs + 30) * PRICE.schedulerPerMillion) / 1e6;
  const parts = { alarms, sqsPolling, checker, scheduler, dashboards: 0, kmsKeys: 0 };
  return {
    ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, +v.toFixed(2)])),
    total: +Object.values(parts)
      .reduce((a, b) => a + b, 0)
      .toFixed(2),
  };
}

/** Mirroring `series` series of one point a minute each into CloudWatch. */
function mirroring(series: number, pointsPerPost: number) {
  let left = series;
  let from = 0;
  let metrics = 0;
  for (const [upTo, price] of PRICE.cwMetricMonthTiers) {
    const n = Math.min(left, upTo - from);
    metrics += n * price;
    left -= n;
    from = upTo;
    if (left <= 0) break;
  }
  const points = series * POSTS;
  const messages = points / pointsPerPost; // one SQS message per post with chosen points
  const sqs = (2 * messages * PRICE.sqsPerMillion) / 1e6; // send + receive (deletes ride the batch)
  const calls = Math.max(points / 1000, messages / 100);
  const put = (calls / 1000) * PRICE.putMetricDataPer1000;
  const forwarderLambda =
    (messages / 100) * (PRICE.lambdaRequestPerMillion / 1e6) +
    (messages / 100) * 0.2 * 0.25 * PRICE.lambdaGbSecondArm;
  return {
    series,
    customMetrics: +metrics.toFixed(2),
    putMetricData: +put.toFixed(2),
    sqs: +sqs.toFixed(2),
    forwarder: +forwarderLambda.toFixed(2),
    total: +(metrics + put + sqs + forwarderLambda).toFixed(2),
  };
}

/** Each front door's function, measured as deployed (front-invocations.ts), one at a time. */
const FRONTS = {} as Record<IngressName, FrontMeasurement>;
for (const ingress of Object.keys(INGRESS_CONTEXTS) as IngressName[])
  FRONTS[ingress] = await measureFront(ingress, NAMES);
const measured = await measure();
const sizes = itemSizes();
const model: Record<string, unknown> = {};
for (const hosts of [100, 10_000, 100_000]) {
  model[`dynamodb@${hosts}`] = rounded(monthly(hosts, measured, sizes, 'dynamodb', NOW), hosts);
  model[`dynamodb-provisioned@${hosts}`] = rounded(
    monthly(hosts, measured, sizes, 'dynamodb', { ...NOW, provisioned: true }),
    hosts,
  );
  model[`timestream@${hosts}`] = rounded(monthly(hosts, measured, sizes, 'timestream', NOW), hosts);
}
/** Each front door at each size, with on-demand and provisioned capacity. */
const ingresses = Object.fromEntries(
  (Object.keys(INGRESS_CONTEXTS) as IngressName[]).flatMap((ingress) =>
    [100, 10_000, 100_000].flatMap((hosts) => [
      [
        `${ingress}@${hosts}`,
        rounded(monthly(hosts, measured, sizes, 'dynamodb', { ...NOW, ingress }), hosts),
      ],
      [
        `${ingress}-provisioned@${hosts}`,
        rounded(monthly(hosts, measured, sizes, 'dynamodb', { ...NOW, ingress, provisioned: true }), hosts),
      ],
    ]),
  ),
);
/**
 * The same at 10,000 hosts (provisioned) with agent-like days, whose ratio series keep their full
 * mantissa: how much of the day coding's saving depends on the values' shape.
 */
const agentSizes = itemSizes('agent');
const agentLikeDays = {
  sizes: { current: agentSizes.dayBytes, firstForm: agentSizes.firstForm.dayBytes },
  perHost: Object.fromEntries(
    (Object.keys(INGRESS_CONTEXTS) as IngressName[]).flatMap((ingress) =>
      [true, false].map((dayCoding) => [
        `${ingress}-provisioned@10000${dayCoding ? '' : ' first coding'}`,
        rounded(
          monthly(10_000, measured, agentSizes, 'dynamodb', {
            ...NOW,
            ingress,
            provisioned: true,
            dayCoding,
          }),
          10_000,
        ).perHost,
      ]),
    ),
  ),
};
model['dynamodb-before@10000'] = rounded(monthly(10_000, measured, sizes, 'dynamodb', BEFORE), 10_000);
// Each lever alone, at 10,000 hosts, from the previous design.
const levers = Object.fromEntries(
  (
    [
      ['pulse every 5 min, names on change', { everyPostPulse: false }],
      ['day items on Standard-IA', { archive: true }],
      ['light logs', { lightLogs: true }],
      ['minute items 4 days', { minuteDays: 4 }],
      ['provisioned capacity', { provisioned: true }],
      ['no X-Ray tracing on the hot path', { hotPathTracing: false }],
      ['day items coded by their values', { dayCoding: true }],
    ] as [string, Partial<Levers>][]
  ).map(([name, lever]) => {
    const before = total(monthly(10_000, measured, sizes, 'dynamodb', BEFORE));
    const after = total(monthly(10_000, measured, sizes, 'dynamodb', { ...BEFORE, ...lever }));
    return [name, +((before - after) / 10_000).toFixed(4)];
  }),
);
// Provisioned capacity has a floor (5 WCU, 5 RCU minimum); the break-even against on-demand.
const floor = 5 * PRICE.wcuHour * HOURS + 5 * PRICE.rcuHour * HOURS;
const perHostSaving =
  (total(monthly(10_000, measured, sizes, 'dynamodb', NOW)) -
    total(monthly(10_000, measured, sizes, 'dynamodb', { ...NOW, provisioned: true }))) /
  10_000;
/** Per host-month at 10,000 hosts: what each front door's requests alone cost (no lever below it). */
const requestFloor = Object.fromEntries(
  (Object.keys(INGRESS_CONTEXTS) as IngressName[]).map((ingress) => {
    const { lambda, logs, xray, ...door } = frontCost(ingress, 10_000, FRONTS[ingress], sizes, NOW);
    const requests = (POSTS * 10_000 * PRICE.lambdaRequestPerMillion) / 1e6;
    const doorCost = Object.values(door).reduce((a, b) => a + b, 0);
    return [ingress, +((doorCost + requests) / 10_000).toFixed(4)];
  }),
);
/** role(): read from the role series (kept on ingest) or from each member host's series, by numbers. */
const roleReads = Object.fromEntries(
  CHECKER.map((bench) => {
    const price = (run: number) => {
      const cost = runCost(bench, run);
      const month = monthlyChecker(cost, PRICE, PRICE.ddbWritePerMillion);
      const expression = bench.runs[run]?.byType.expression?.longest;
      return {
        requestsPerRun: cost.requests,
        expressionJob: expression,
        checkerPerMonth: +month.checker.toFixed(2),
        ingestWritesPerMonth: +month.roleSeriesWrites.toFixed(2),
        totalPerMonth: +(month.checker + month.roleSeriesWrites).toFixed(2),
      };
    };
    return [`${bench.hosts} hosts`, { roleSeries: price(STEADY), memberSeries: price(MEMBER_READS) }];
  }),
);
const result = {
  measured,
  sizes,
  checker:
    CHECKER.length > 0
      ? { measuredAt: CHECKER.map((b) => b.hosts), roleReads }
      : 'assumed (run npm run bench:checker)',
  fronts: Object.fromEntries(
    Object.entries(FRONTS).map(([k, f]) => [k, { ...f, billedMsPriced: +billedMs(f).toFixed(2) }]),
  ),
  ingresses,
  agentLikeDays,
  assumptions: {
    dynamoDbRoundTripMs: DYNAMODB_ROUND_TRIP_MS,
    checkerMs: CHECKER_MS,
    writeTarget: WRITE_TARGET,
    readTarget: READ_TARGET,
    heartbeatMinutes: HEARTBEAT_MINUTES,
  },
  model,
  leverSavingsPerHostAt10k: levers,
  provisioned: {
    floorPerMonth: +floor.toFixed(2),
    savingPerHost: +perHostSaving.toFixed(4),
    breakEvenHosts: Math.ceil(floor / perHostSaving),
  },
  /** What each front door and Lambda's request charge alone cost per host-month at 10,000 hosts. */
  requestFloorPerHost: requestFloor,
  idle: { withoutForwarder: idle(false), withForwarder: idle(true) },
  tenHosts: rounded(monthly(10, measured, sizes, 'dynamodb', NOW), 10),
  mirroring: [10, 1_000, 10_000, 100_000].map((n) => mirroring(n, 10)),
};
console.log(JSON.stringify(result, null, 2));
saveResult('cost-model', result);
