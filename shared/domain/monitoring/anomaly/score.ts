import { FEATURE_LABELS, FEATURES, type Feature, type FeatureValues, readableValue } from './features.ts';
import { type HostModel, SCALE_FLOOR, slotOf } from './model.ts';
import { MAD_TO_SIGMA, median, medianWithout, round } from './robust.ts';
import { SENSITIVITY_THRESHOLDS, type Sensitivity } from './sensitivity.ts';

/** A feature beside the top one is named as a driver from this score. */
const DRIVER_SCORE = 3;
/** A feature is "off" for the role-event rule above this score. */
const OFF = 6;
/** An off feature counts towards a role-wide event while it was off this recently... */
const EVENT_WINDOW_SECONDS = 10 * 60;
/** ...and went off no longer ago than this. */
const EVENT_SPAN_SECONDS = 60 * 60;
/** The score of a host whose changing metrics all stood still since the last minute. */
const FLAT_SCORE = 30;
/** Standing still needs at least this many features that normally move. */
const FLAT_FEATURES = 3;

/** What drove a host's score: the feature, its value and what the model expected, readable. */
export interface Driver {
  feature: Feature;
  label: string;
  value: string;
  expected: string;
  score: number;
}

/** The checker's memory of one host between minutes. */
export interface HostScoreState {
  /** Time of the features last scored. */
  at: number;
  /** A fingerprint of the moving features' values: the same again means they stood still. */
  print: number;
  /** Consecutive minutes all moving features stood still (absent: 0). */
  flatRun?: number;
  /** Per feature off now or lately (score above OFF): since when, and the last time. */
  off?: Partial<Record<Feature, [number, number]>>;
  score: number;
  /** Kept only where the score reaches the lowest sensitivity: what the console shows. */
  drivers?: Driver[];
  peersOnly?: boolean;
}

export type RoleScoreState = Record<string, HostScoreState>;

export interface HostFeatures {
  hostId: string;
  at: number;
  features: FeatureValues;
}

export interface HostScore {
  hostId: string;
  at: number;
  score: number;
  drivers: Driver[];
  /** No model yet (less than a day of history): judged against the peers at this minute only. */
  peersOnly: boolean;
  /** Minutes its metrics have stood still; 0 when moving. */
  flatMinutes: number;
  /** The same minute as last scored (no new post since): not a new observation. */
  repeat: boolean;
}

interface Judged {
  host: HostFeatures;
  model?: HostModel;
  /** Per feature, the host's deviation from its usual value at this time of day (model hosts only). */
  residual: Partial<Record<Feature, number>>;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const LOWEST_THRESHOLD = Math.min(...Object.values(SENSITIVITY_THRESHOLDS));

/** FNV-1a over the values' bits: equal values, equal print (a 32-bit number is all the state keeps). */
function fingerprint(values: number[]): number {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * Scores the hosts of one role at one minute against their own past and their peers now. `hosts`
 * are every host of the role with fresh features (one whose features did not change since the last
 * scoring comes back as a `repeat`). Returns the scores and the state to keep for the next minute.
 */
export function scoreRole(
  hosts: HostFeatures[],
  models: ReadonlyMap<string, HostModel>,
  previous: RoleScoreState,
  now: number,
): { scores: HostScore[]; state: RoleScoreState } {
  const judged: Judged[] = hosts.map((host) => {
    const model = models.get(host.hostId);
    const residual: Judged['residual'] = {};
    if (model) {
      for (const f of FEATURES) {
        const fm = model.features[f];
        const v = host.features[f];
        if (fm && v !== undefined) residual[f] = v - (fm.slots[slotOf(host.at)] as number);
      }
    }
    return { host, ...(model && { model }), residual };
  });
  const peerResiduals = Object.fromEntries(
    FEATURES.map((f) => [
      f,
      sorted(judged.flatMap((j) => (j.residual[f] === undefined ? [] : [j.residual[f]]))),
    ]),
  ) as Record<Feature, number[]>;
  const peerValues = Object.fromEntries(
    FEATURES.map((f) => [
      f,
      sorted(judged.flatMap((j) => (j.host.features[f] === undefined ? [] : [j.host.features[f]]))),
    ]),
  ) as Record<Feature, number[]>;

  // First pass: each feature's score per host.
  const featureScores = judged.map((j) => {
    const out: Partial<Record<Feature, { score: number; expected: number }>> = {};
    for (const f of FEATURES) {
      const v = j.host.features[f];
      if (v === undefined) continue;
      const fm = j.model?.features[f];
      const r = j.residual[f];
      if (fm && r !== undefined && peerResiduals[f].length >= 2) {
        const peers = medianWithout(peerResiduals[f], r);
        out[f] = {
          score: (r - peers) / fm.peerScale,
          expected: (fm.slots[slotOf(j.host.at)] as number) + peers,
        };
      } else if (!j.model && peerValues[f].length >= 3) {
        // The whole role's median and spread, this host included: with a handful of hosts, leaving
        // one out lets a single odd peer set the scale.
        const all = peerValues[f];
        const center = median(all);
        const spread = Math.max(
          SCALE_FLOOR[f] * 3,
          MAD_TO_SIGMA * median(all.map((p) => Math.abs(p - center))),
        );
        out[f] = { score: (v - center) / spread, expected: center };
      }
    }
    return out;
  });

  // A feature that went off on several hosts within the hour and is still off on them is a
  // role-wide event (a rolling deploy): skipped for everyone. A host off for longer is not counted,
  // so one chronic odd host cannot hide the next.
  const offs = new Map<string, NonNullable<HostScoreState['off']>>();
  const offCount = new Map<Feature, number>();
  judged.forEach((j, k) => {
    const off = { ...previous[j.host.hostId]?.off };
    for (const [f, s] of Object.entries(featureScores[k] ?? {}) as [Feature, { score: number }][]) {
      if (Math.abs(s.score) <= OFF) continue;
      const episode = off[f];
      off[f] = [
        episode && episode[1] >= j.host.at - EVENT_WINDOW_SECONDS ? episode[0] : j.host.at,
        j.host.at,
      ];
    }
    for (const f of Object.keys(off) as Feature[]) {
      const [since, last] = off[f] as [number, number];
      if (last < now - EVENT_WINDOW_SECONDS) delete off[f];
      else if (since >= now - EVENT_SPAN_SECONDS) offCount.set(f, (offCount.get(f) ?? 0) + 1);
    }
    offs.set(j.host.hostId, off);
  });
  const roleWide = Math.max(2, Math.ceil(judged.length / 10));

  const state: RoleScoreState = {};
  const scores = judged.map((j, k): HostScore => {
    const prev = previous[j.host.hostId];
    const ranked = (
      Object.entries(featureScores[k] ?? {}) as [Feature, { score: number; expected: number }][]
    )
      .filter(([f]) => (offCount.get(f) ?? 0) < roleWide)
      .sort((a, b) => Math.abs(b[1].score) - Math.abs(a[1].score));
    // The features that drove the score: the top one, and up to two more that are off too.
    const drivers: Driver[] = ranked
      .slice(0, 3)
      .filter(([, s], i) => i === 0 || Math.abs(s.score) >= DRIVER_SCORE)
      .map(([f, s]) => ({
        feature: f,
        label: FEATURE_LABELS[f],
        value: readableValue(f, j.host.features[f] as number),
        expected: readableValue(f, s.expected),
        score: round(s.score, 3),
      }));
    let score = Math.abs(ranked[0]?.[1].score ?? 0);
    // A stuck host posts the same values again: every feature that normally moves stands still.
    const moving = FEATURES.filter(
      (f) => (j.model?.features[f]?.step ?? 0) > 0 && j.host.features[f] !== undefined,
    );
    const repeat = prev?.at === j.host.at;
    const print = fingerprint(moving.map((f) => j.host.features[f] as number));
    const flatRun = repeat
      ? (prev?.flatRun ?? 0)
      : moving.length >= FLAT_FEATURES && prev?.print === print
        ? (prev?.flatRun ?? 0) + 1
        : 0;
    if (flatRun > 0) score = Math.max(score, FLAT_SCORE);
    const result: HostScore = {
      hostId: j.host.hostId,
      at: j.host.at,
      score: round(score, 3),
      drivers,
      peersOnly: !j.model,
      flatMinutes: flatRun,
      repeat,
    };
    const off = offs.get(j.host.hostId) ?? {};
    state[j.host.hostId] = {
      at: j.host.at,
      print,
      ...(flatRun > 0 && { flatRun }),
      ...(Object.keys(off).length > 0 && { off }),
      score: round(score, 2),
      ...(score >= LOWEST_THRESHOLD && { drivers }),
      ...(result.peersOnly && { peersOnly: true }),
    };
    return result;
  });
  return { scores, state };
}

/** The alert status a score earns under the monitor's sensitivities. */
export function statusOfScore(
  score: number,
  sensitivities: { warning?: Sensitivity; critical?: Sensitivity },
): 'OK' | 'WARNING' | 'CRITICAL' {
  if (sensitivities.critical && score >= SENSITIVITY_THRESHOLDS[sensitivities.critical]) return 'CRITICAL';
  if (sensitivities.warning && score >= SENSITIVITY_THRESHOLDS[sensitivities.warning]) return 'WARNING';
  return 'OK';
}

/** The alert message: which metrics drove the score, and whether the host was judged on peers only. */
export function anomalyMessage(
  s: Pick<HostScore, 'score' | 'drivers' | 'peersOnly' | 'flatMinutes'>,
  untrained = false,
): string {
  const parts = s.drivers.map((d) => `${d.label} ${d.value} (expected ${d.expected})`);
  const head =
    s.flatMinutes > 0 ? `metrics unchanged for ${s.flatMinutes} min` : `anomaly score ${s.score.toFixed(1)}`;
  // A monitor not trained yet (its first training is within the hour) judges every host this way.
  const why = untrained ? 'no model trained yet' : 'too little history';
  const tail = s.peersOnly ? `; ${why}: judged against role peers only` : '';
  return `${head}: ${parts.join(', ')}${tail}`;
}
