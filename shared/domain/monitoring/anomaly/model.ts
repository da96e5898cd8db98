import { FEATURES, type Feature } from './features.ts';
import { medianInPlace, medianWithout, robustSpread, round } from './robust.ts';

/**
 * The per-host model of role anomaly detection, trained on a schedule and kept in the entity store:
 * for each feature, the host's typical value in each half hour of the day, how far it strays from
 * that, and how far its strays differ from its peers' at the same minute. About 3 kB per host as JSON
 * (`npm run bench:anomaly` measures it).
 */
export interface FeatureModel {
  /** Median of each half hour of the day (UTC): 48 values. */
  slots: number[];
  /** Robust σ of the host's values around `slots`: how much it varies by itself. */
  scale: number;
  /**
   * Robust σ, in training, of the host's deviation from its usual value less its peers' median
   * deviation at the same minute, in the feature's own units: the unit of the score.
   */
  peerScale: number;
  /** Median minute-to-minute change: 0 for a figure that mostly stands still. */
  step: number;
}

export interface HostModel {
  hostId: string;
  trainedAt: number;
  /** Minutes of history the model was made from. */
  minutes: number;
  features: Partial<Record<Feature, FeatureModel>>;
}

/** One host's training history: per feature, one value a minute from `from` (NaN where none). */
export interface TrainingSeries {
  hostId: string;
  values: Partial<Record<Feature, Float64Array>>;
}

export interface TrainingInput {
  /** Epoch seconds of the first minute; every series has `minutes` values. */
  from: number;
  minutes: number;
  hosts: TrainingSeries[];
  trainedAt: number;
}

export const SLOTS_PER_DAY = 48;
/** A host with less history than this is scored against its peers only. */
export const MIN_TRAINING_MINUTES = 1440;
/** Smallest σ per feature, in its own units: below it, measurement noise would pass for anomalies. */
export const SCALE_FLOOR: Record<Feature, number> = {
  loadavg5: 0.02,
  cpu: 0.02,
  memory: 0.003,
  diskReads: 0.02,
  diskWrites: 0.02,
  networkRx: 0.02,
  networkTx: 0.02,
  filesystem: 0.002,
};

export const slotOf = (epochSeconds: number): number =>
  Math.floor((((epochSeconds % 86400) + 86400) % 86400) / 1800);

/** The host's own fit for one feature: slot medians, spread and typical step; undefined if too little. */
function ownFit(
  series: Float64Array,
  from: number,
  scratch: Float64Array,
): Omit<FeatureModel, 'peerScale'> | undefined {
  const bySlot: number[][] = Array.from({ length: SLOTS_PER_DAY }, () => []);
  let present = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i] as number;
    if (Number.isNaN(v)) continue;
    bySlot[slotOf(from + i * 60)]?.push(v);
    present++;
  }
  if (present < MIN_TRAINING_MINUTES) return undefined;
  const overall = medianInPlace(Float64Array.from(series.filter((v) => !Number.isNaN(v))));
  const slots = bySlot.map((vs) => (vs.length > 0 ? medianInPlace(Float64Array.from(vs)) : overall));
  let n = 0;
  let steps = 0;
  const deltas = new Float64Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const v = series[i] as number;
    if (Number.isNaN(v)) continue;
    scratch[n++] = v - (slots[slotOf(from + i * 60)] as number);
    const prev = series[i - 1];
    if (prev !== undefined && !Number.isNaN(prev)) deltas[steps++] = Math.abs(v - prev);
  }
  const residuals = scratch.slice(0, n);
  return {
    slots,
    scale: robustSpread(residuals, n, 0, scratch),
    step: steps > 0 ? medianInPlace(deltas, steps) : 0,
  };
}

/**
 * Trains every host of one role together: first each host against its own past, then, minute by
 * minute, each host's deviation against its peers' so the score's unit is what peers normally differ.
 * Deviations are in the feature's own units (log units for rates): a role-wide doubling moves every
 * host by the same step, which the peers' median takes away exactly.
 */
export function trainRole(input: TrainingInput, floors: Record<Feature, number> = SCALE_FLOOR): HostModel[] {
  const { from, minutes, hosts } = input;
  const scratch = new Float64Array(minutes);
  const models: HostModel[] = hosts.map((h) => ({
    hostId: h.hostId,
    trainedAt: input.trainedAt,
    minutes: 0,
    features: {},
  }));
  for (const feature of FEATURES) {
    const fits = hosts.map((h) => {
      const series = h.values[feature];
      const fit = series ? ownFit(series, from, scratch) : undefined;
      return fit && { ...fit, scale: Math.max(fit.scale, floors[feature]) };
    });
    // Each host's deviation from its usual value, then its distance from the peers' median deviation.
    const levels = hosts.map(() => new Float64Array(minutes));
    const counts = new Array<number>(hosts.length).fill(0);
    const residuals = new Array<number>(hosts.length);
    for (let i = 0; i < minutes; i++) {
      const slot = slotOf(from + i * 60);
      const present: number[] = [];
      hosts.forEach((h, k) => {
        const fit = fits[k];
        const v = h.values[feature]?.[i];
        residuals[k] = Number.NaN;
        if (!fit || v === undefined || Number.isNaN(v)) return;
        residuals[k] = v - (fit.slots[slot] as number);
        present.push(residuals[k] as number);
      });
      if (present.length < 2) continue;
      present.sort((a, b) => a - b);
      hosts.forEach((_, k) => {
        const r = residuals[k] as number;
        if (Number.isNaN(r)) return;
        (levels[k] as Float64Array)[counts[k] as number] = r - medianWithout(present, r);
        counts[k] = (counts[k] as number) + 1;
      });
    }
    fits.forEach((fit, k) => {
      if (!fit) return;
      const n = counts[k] as number;
      const peerScale = n > 0 ? robustSpread(levels[k] as Float64Array, n, 0, scratch) : 1;
      (models[k] as HostModel).features[feature] = {
        slots: fit.slots.map((v) => round(v)),
        scale: round(fit.scale),
        peerScale: round(Math.max(floors[feature], peerScale)),
        step: round(fit.step),
      };
    });
  }
  for (const [k, h] of hosts.entries()) {
    const m = models[k] as HostModel;
    m.minutes = Math.max(
      0,
      ...Object.values(h.values).map((s) => s.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0)),
    );
  }
  return models.filter((m) => Object.keys(m.features).length > 0);
}
