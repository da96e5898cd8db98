import type { FeatureValues } from './features.ts';
import type { HostModel } from './model.ts';
import type { RoleScoreState } from './score.ts';

/** What role anomaly detection keeps in the entity store, per organization. */

/** One host's model under one monitor; id `monitorId#hostId`. */
export interface StoredHostModel extends HostModel {
  id: string;
  monitorId: string;
}

/** The last training of one monitor; id is the monitor's. */
export interface AnomalyTraining {
  id: string;
  trainedAt: number;
  /** The history learnt from, epoch seconds. */
  from: number;
  to: number;
  /** The monitor's trainingPeriodFrom at the time: a change retrains. */
  trainingPeriodFrom?: number;
  /** Hosts with a model; the rest of the role is judged against its peers only. */
  hostIds: string[];
  /** Hosts seen with too little history: retrained once they have a day. */
  youngHostIds: string[];
}

/** The checker's state of one role under one monitor; id `monitorId#Service:role`. */
export interface AnomalyRoleScores {
  id: string;
  monitorId: string;
  role: string;
  at: number;
  hosts: RoleScoreState;
}

/** A host's newest features, written on ingest while the host is in a watched role; id is the host's. */
export interface LatestFeatures {
  id: string;
  at: number;
  features: FeatureValues;
}

export const modelId = (monitorId: string, hostId: string): string => `${monitorId}#${hostId}`;
export const roleScoresId = (monitorId: string, role: string): string => `${monitorId}#${role}`;
