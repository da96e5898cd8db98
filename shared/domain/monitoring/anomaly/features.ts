import { pseudoMetricValue } from '../monitor.ts';

/**
 * What the role anomaly model looks at: eight figures per host and minute, made from the metrics
 * every mackerel-agent posts. Rates are taken on a log scale, so that "twice the traffic" is the
 * same step on a busy host and a quiet one; memory and filesystem use are fractions of their size.
 */
export const FEATURES = [
  'loadavg5',
  'cpu',
  'memory',
  'diskReads',
  'diskWrites',
  'networkRx',
  'networkTx',
  'filesystem',
] as const;
export type Feature = (typeof FEATURES)[number];

/** One host's figures for one minute; a feature the host does not post is absent. */
export type FeatureValues = Partial<Record<Feature, number>>;

/** How people read each feature in an alert. */
export const FEATURE_LABELS: Record<Feature, string> = {
  loadavg5: 'load average (5 min)',
  cpu: 'CPU use',
  memory: 'memory use',
  diskReads: 'disk reads',
  diskWrites: 'disk writes',
  networkRx: 'network received',
  networkTx: 'network sent',
  filesystem: 'filesystem use',
};

const sumOf = (values: Record<string, number>, pattern: RegExp): number | undefined => {
  let sum: number | undefined;
  for (const [name, v] of Object.entries(values)) if (pattern.test(name)) sum = (sum ?? 0) + v;
  return sum;
};

const logOf = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? undefined : Math.log1p(Math.max(0, v));
const fractionOf = (percent: number | undefined) => (percent === undefined ? undefined : percent / 100);

/** The figures of one minute from the agent's values of that minute (name → value). */
export function featuresOf(values: Record<string, number>): FeatureValues {
  const raw: FeatureValues = {
    loadavg5: logOf(values.loadavg5),
    cpu: logOf(pseudoMetricValue('cpu%', values)),
    memory: fractionOf(pseudoMetricValue('memory%', values)),
    diskReads: logOf(sumOf(values, /^disk\..+\.reads\.delta$/)),
    diskWrites: logOf(sumOf(values, /^disk\..+\.writes\.delta$/)),
    networkRx: logOf(sumOf(values, /^interface\..+\.rxBytes\.delta$/)),
    networkTx: logOf(sumOf(values, /^interface\..+\.txBytes\.delta$/)),
    filesystem: fractionOf(pseudoMetricValue('disk%', values)),
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as FeatureValues;
}

/**
 * The same figures for a whole history at once (training): `series` maps each of the agent's
 * metric names to one value a minute (NaN where none). Equal to `featuresOf` minute by minute, made
 * column by column: a host's two weeks take milliseconds, not the seconds of 20,000 records.
 */
export function featureColumns(
  series: Record<string, Float64Array>,
  minutes: number,
): Partial<Record<Feature, Float64Array>> {
  const names = Object.keys(series);
  const matching = (pattern: RegExp) =>
    names.filter((n) => pattern.test(n)).map((n) => series[n] as Float64Array);
  const column = () => new Float64Array(minutes).fill(Number.NaN);
  const out: Partial<Record<Feature, Float64Array>> = {};
  /** Per minute, the sum of the columns present (NaN when none is). */
  const sum = (columns: Float64Array[]) => {
    const total = column();
    for (const c of columns)
      for (let i = 0; i < minutes; i++) {
        const v = c[i] as number;
        if (!Number.isNaN(v)) total[i] = (Number.isNaN(total[i] as number) ? 0 : (total[i] as number)) + v;
      }
    return total;
  };
  const logged = (c: Float64Array) => c.map((v) => (Number.isNaN(v) ? v : Math.log1p(Math.max(0, v))));
  const put = (f: Feature, c: Float64Array) => {
    if (c.some((v) => !Number.isNaN(v))) out[f] = c;
  };
  if (series.loadavg5) put('loadavg5', logged(series.loadavg5));
  const idle = series['cpu.idle.percentage'];
  if (idle) {
    const total = sum(matching(/^cpu\.[a-z_]+\.percentage$/));
    put(
      'cpu',
      logged(
        total.map((t, i) =>
          Number.isNaN(idle[i] as number) || !(t > 0) ? Number.NaN : (100 * (t - (idle[i] as number))) / t,
        ),
      ),
    );
  }
  const used = series['memory.used'];
  const size = series['memory.total'];
  if (used && size)
    put(
      'memory',
      used.map((u, i) => ((size[i] as number) > 0 ? u / (size[i] as number) : Number.NaN)),
    );
  put('diskReads', logged(sum(matching(/^disk\..+\.reads\.delta$/))));
  put('diskWrites', logged(sum(matching(/^disk\..+\.writes\.delta$/))));
  put('networkRx', logged(sum(matching(/^interface\..+\.rxBytes\.delta$/))));
  put('networkTx', logged(sum(matching(/^interface\..+\.txBytes\.delta$/))));
  const filesystem = column();
  for (const n of names) {
    const m = /^filesystem\.(.+)\.used$/.exec(n);
    const fsSize = m ? series[`filesystem.${m[1]}.size`] : undefined;
    const fsUsed = series[n] as Float64Array;
    if (!fsSize) continue;
    for (let i = 0; i < minutes; i++) {
      const share = (fsUsed[i] as number) / (fsSize[i] as number);
      if ((fsSize[i] as number) > 0 && !Number.isNaN(share))
        filesystem[i] = Number.isNaN(filesystem[i] as number)
          ? share
          : Math.max(filesystem[i] as number, share);
    }
  }
  put('filesystem', filesystem);
  return out;
}

/** The agent's metric names, among `names`, that the features are made from. */
export function featureInputs(names: readonly string[]): string[] {
  return names.filter(
    (n) =>
      n === 'loadavg5' ||
      n === 'memory.used' ||
      n === 'memory.total' ||
      /^cpu\.[a-z_]+\.percentage$/.test(n) ||
      /^disk\..+\.(reads|writes)\.delta$/.test(n) ||
      /^interface\..+\.(rxBytes|txBytes)\.delta$/.test(n) ||
      /^filesystem\..+\.(used|size)$/.test(n),
  );
}

/** A feature's value back in the units the agent posts (percent, per second, load). */
export function readableValue(feature: Feature, v: number): string {
  switch (feature) {
    case 'memory':
    case 'filesystem':
      return `${(v * 100).toFixed(1)}%`;
    case 'cpu':
      return `${Math.expm1(v).toFixed(1)}%`;
    case 'loadavg5':
      return Math.expm1(v).toFixed(2);
    case 'diskReads':
    case 'diskWrites':
      return `${Math.expm1(v).toFixed(1)} IO/s`;
    default: {
      const n = Math.expm1(v);
      return n >= 1e6
        ? `${(n / 1e6).toFixed(1)} MB/s`
        : n >= 1e3
          ? `${(n / 1e3).toFixed(1)} kB/s`
          : `${n.toFixed(0)} B/s`;
    }
  }
}
