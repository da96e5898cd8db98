import {
  FEATURE_LABELS,
  FEATURES,
  type Feature,
  readableValue,
} from '../../shared/domain/monitoring/anomaly/features.ts';
import { slotOf } from '../../shared/domain/monitoring/anomaly/model.ts';
import {
  type HostScore,
  type RoleScoreState,
  scoreRole,
} from '../../shared/domain/monitoring/anomaly/score.ts';
import type { Scorer } from './replay.ts';

/**
 * The methods saba's model was measured against (docs/monitoring.md): each host against its own
 * past only (a seasonal robust z-score, what a per-host threshold learnt from history amounts to),
 * and each host against its peers at this minute only (no history).
 */

/** Own past only: the largest |residual| in units of the host's own spread; peers ignored. */
export const ownHistoryOnly: Scorer = (hosts, models, previous, now) => {
  const state: RoleScoreState = {};
  const scores = hosts.map((h): HostScore => {
    const model = models.get(h.hostId);
    let best: { f: Feature; z: number } | undefined;
    for (const f of FEATURES) {
      const fm = model?.features[f];
      const v = h.features[f];
      if (!fm || v === undefined) continue;
      const z = (v - (fm.slots[slotOf(h.at)] as number)) / fm.scale;
      if (!best || Math.abs(z) > Math.abs(best.z)) best = { f, z };
    }
    const score = Math.abs(best?.z ?? 0);
    state[h.hostId] = { at: h.at, print: 0, score };
    return {
      hostId: h.hostId,
      at: h.at,
      score,
      drivers: best
        ? [
            {
              feature: best.f,
              label: FEATURE_LABELS[best.f],
              value: readableValue(best.f, h.features[best.f] as number),
              expected: '',
              score: best.z,
            },
          ]
        : [],
      peersOnly: false,
      flatMinutes: 0,
      repeat: previous[h.hostId]?.at === h.at,
    };
  });
  void now;
  return { scores, state };
};

/** Peers now only: saba's scoring with no model, so every host is judged against the role's median. */
export const peersOnly: Scorer = (hosts, _models, previous, now) =>
  scoreRole(hosts, new Map(), previous, now);
