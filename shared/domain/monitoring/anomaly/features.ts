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
