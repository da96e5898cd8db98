/**
 * Labelled data for role anomaly detection: one role of hosts posting the agent's standard metrics
 * each minute, with daily and weekly patterns, noise, role-wide events that are not anomalies (a
 * traffic doubling, rolling deploys) and anomalies injected on single hosts. Seeded: the same seed
 * makes the same data.
 */

export const ANOMALY_KINDS = ['cpuSaturation', 'memoryLeak', 'networkDown', 'stuck', 'loadSpike'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface InjectedAnomaly {
  hostId: string;
  kind: AnomalyKind;
  /** 0.3 to 1: how far from normal (a leak's rate, how close to saturation, the load added). */
  severity: number;
  /** Epoch seconds, inclusive start and exclusive end. */
  start: number;
  end: number;
}

export interface RoleEvent {
  kind: 'trafficDoubling' | 'rollingDeploy';
  start: number;
  end: number;
}

export interface GeneratedRole {
  hostIds: string[];
  /** Epoch seconds of minute 0 (a Monday, 00:00 UTC). */
  start: number;
  minutes: number;
  trainMinutes: number;
  anomalies: InjectedAnomaly[];
  events: RoleEvent[];
  /** The agent's values of host `h` at minute `i`, as it would post them. */
  values(h: number, i: number): Record<string, number>;
  /** Host `h`'s whole history, one column per metric name (what training reads). */
  columns(h: number): Record<string, Float64Array>;
}

export interface GenerateOptions {
  seed: number;
  hosts?: number;
  days?: number;
  trainDays?: number;
  /** Anomalies injected in the scoring days; 0 makes clean data (for training-cost runs). */
  anomalies?: number;
}

export const METRIC_NAMES = [
  'loadavg5',
  'cpu.user.percentage',
  'cpu.system.percentage',
  'cpu.iowait.percentage',
  'cpu.idle.percentage',
  'memory.total',
  'memory.used',
  'disk.vda.reads.delta',
  'disk.vda.writes.delta',
  'interface.eth0.rxBytes.delta',
  'interface.eth0.txBytes.delta',
  'filesystem.vda1.used',
  'filesystem.vda1.size',
] as const;
type MetricName = (typeof METRIC_NAMES)[number];

/** mulberry32: small, fast, good enough for test data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONDAY = Date.UTC(2026, 0, 5) / 1000;
const GIB = 1024 ** 3;
const CPUS = 2;

export function generateRole(options: GenerateOptions): GeneratedRole {
  const { seed, hosts = 20, days = 21, trainDays = 14, anomalies: anomalyCount = 15 } = options;
  const random = seeded(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  const minutes = days * 1440;
  const trainMinutes = trainDays * 1440;
  const hostIds = Array.from({ length: hosts }, (_, k) => `host${String(k).padStart(4, '0')}-${seed}`);
  const at = (i: number) => MONDAY + i * 60;

  // Role-wide events: rolling deploys (2 minutes a host) on some days, one traffic doubling of 2 h.
  const events: RoleEvent[] = [];
  const deployDays = [2, 6, 9, 12, ...(days > 15 ? [15, 17, 19] : [])].filter((d) => d < days);
  for (const d of deployDays) {
    const startMinute = d * 1440 + Math.floor(uniform(9, 17) * 60);
    events.push({ kind: 'rollingDeploy', start: at(startMinute), end: at(startMinute + 2 * hosts + 30) });
  }
  const doublingDays = [4, ...(days > 16 ? [16] : [])].filter((d) => d < days);
  for (const d of doublingDays) {
    const startMinute = d * 1440 + Math.floor(uniform(10, 15) * 60);
    events.push({ kind: 'trafficDoubling', start: at(startMinute), end: at(startMinute + 120) });
  }

  // Anomalies: in the scoring days, one host each, an hour long, apart from each other and events.
  const anomalies: InjectedAnomaly[] = [];
  const clear = (s: number, e: number) =>
    [...events, ...anomalies].every((x) => e + 3 * 3600 <= x.start || s >= x.end + 3 * 3600);
  for (let n = 0, tries = 0; n < anomalyCount && tries < 10_000; tries++) {
    const startMinute = Math.floor(uniform(trainMinutes + 60, minutes - 120));
    const s = at(startMinute);
    const e = s + 3600;
    if (!clear(s, e)) continue;
    anomalies.push({
      hostId: hostIds[Math.floor(random() * hosts)] as string,
      kind: ANOMALY_KINDS[n % ANOMALY_KINDS.length] as AnomalyKind,
      severity: uniform(0.3, 1),
      start: s,
      end: e,
    });
    n++;
  }
  anomalies.sort((a, b) => a.start - b.start);

  // Role traffic: daily curve, quieter weekends, a slow wander, and the doubling events.
  const traffic = new Float64Array(minutes);
  let wander = 0;
  for (let i = 0; i < minutes; i++) {
    const t = at(i);
    const hour = (t % 86400) / 3600;
    const weekday = Math.floor((t - MONDAY) / 86400) % 7;
    const daily = 0.35 + 0.65 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24));
    wander = 0.995 * wander + 0.01 * normal();
    let doubling = 1;
    for (const e of events)
      if (e.kind === 'trafficDoubling' && t >= e.start && t < e.end)
        doubling = 1 + Math.min(1, (t - e.start) / 300);
    traffic[i] = daily * (weekday >= 5 ? 0.6 : 1) * Math.exp(wander) * doubling;
  }

  const series = hostIds.map(
    () =>
      Object.fromEntries(METRIC_NAMES.map((n) => [n, new Float64Array(minutes)])) as Record<
        MetricName,
        Float64Array
      >,
  );
  hostIds.forEach((hostId, k) => {
    const s = series[k] as Record<MetricName, Float64Array>;
    const share = uniform(0.7, 1.3);
    const cpuPerTraffic = uniform(20, 35);
    const memoryBase = uniform(0.3, 0.5);
    const filesystemBase = uniform(0.3, 0.6);
    const mine = anomalies.filter((a) => a.hostId === hostId);
    let load = 0.5;
    for (let i = 0; i < minutes; i++) {
      const t = at(i);
      const demand = (traffic[i] as number) * share * Math.exp(0.08 * normal());
      let busy = 4 + cpuPerTraffic * demand + 1.5 * normal();
      let iowait = 0.05 * busy;
      // Memory follows the role's load slowly, not each minute's noise: caches, pools, sessions.
      let memory = memoryBase + 0.08 * Math.min((traffic[i] as number) * share, 2) + 0.001 * normal();
      let reads = 3 * demand * Math.exp(0.3 * normal());
      let writes = 25 * demand * Math.exp(0.2 * normal());
      let rx = 400e3 * demand * Math.exp(0.1 * normal());
      let tx = 2e6 * demand * Math.exp(0.1 * normal());
      let loadTarget = (CPUS * busy) / 100 + 0.1 * Math.abs(normal());
      const filesystem = filesystemBase + 0.01 * ((t % 86400) / 86400) + 1e-5 * normal();
      for (const e of events) {
        if (e.kind !== 'rollingDeploy') continue;
        const since = (t - (e.start + k * 120)) / 60;
        if (since < 0 || since > 60) continue;
        if (since < 1) {
          busy += 40;
          rx *= 0.3;
          tx *= 0.3;
        }
        if (since < 2) reads *= 5;
        memory -= 0.15 * Math.exp(-since / 10);
      }
      const anomaly = mine.find((a) => t >= a.start && t < a.end);
      const into = anomaly ? (t - anomaly.start) / 60 : 0;
      switch (anomaly?.kind) {
        case 'cpuSaturation':
          busy += (97 - busy) * anomaly.severity + normal();
          loadTarget += 3 * anomaly.severity;
          break;
        case 'memoryLeak':
          memory += 0.008 * anomaly.severity * (into + 1);
          break;
        case 'networkDown':
          rx = 40 * Math.exp(0.2 * normal());
          tx = 40 * Math.exp(0.2 * normal());
          busy = 3 + Math.abs(normal());
          writes *= 0.1;
          reads *= 0.1;
          break;
        case 'loadSpike':
          loadTarget += 6 * anomaly.severity;
          iowait += 30 * anomaly.severity;
          break;
      }
      busy = Math.min(99, Math.max(0.5, busy));
      iowait = Math.min(iowait, 100 - busy);
      load += (Math.max(0, loadTarget) - load) * (1 - Math.exp(-1 / 5));
      const total = 8 * GIB;
      const frozen = anomaly?.kind === 'stuck' && i > 0;
      const put = (name: MetricName, v: number) => {
        (s[name] as Float64Array)[i] = frozen ? ((s[name] as Float64Array)[i - 1] as number) : v;
      };
      put('loadavg5', Math.round(load * 100) / 100);
      put('cpu.user.percentage', CPUS * busy * 0.7);
      put('cpu.system.percentage', CPUS * busy * 0.3);
      put('cpu.iowait.percentage', CPUS * iowait);
      put('cpu.idle.percentage', CPUS * Math.max(0, 100 - busy - iowait));
      put('memory.total', total);
      put('memory.used', Math.round(total * Math.min(0.98, Math.max(0.05, memory))));
      put('disk.vda.reads.delta', reads);
      put('disk.vda.writes.delta', writes);
      put('interface.eth0.rxBytes.delta', rx);
      put('interface.eth0.txBytes.delta', tx);
      put('filesystem.vda1.size', 50e9);
      put('filesystem.vda1.used', Math.round(50e9 * filesystem));
    }
  });

  return {
    hostIds,
    start: MONDAY,
    minutes,
    trainMinutes,
    anomalies,
    events,
    columns: (h) => series[h] as Record<string, Float64Array>,
    values(h, i) {
      const s = series[h] as Record<MetricName, Float64Array>;
      const out: Record<string, number> = {};
      for (const n of METRIC_NAMES) out[n] = (s[n] as Float64Array)[i] as number;
      return out;
    },
  };
}
