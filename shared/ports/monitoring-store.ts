import type { Alert, AlertLog } from '../domain/monitoring/alert.ts';
import type { AlertGroup, AlertGroupSetting, LatestAlertGroup } from '../domain/monitoring/alert-group.ts';
import type { AlertState } from '../domain/monitoring/alert-state.ts';
import type {
  AnomalyRoleScores,
  AnomalyTraining,
  LatestFeatures,
  StoredHostModel,
} from '../domain/monitoring/anomaly/records.ts';
import type { Downtime } from '../domain/monitoring/downtime.ts';
import type { Monitor } from '../domain/monitoring/monitor.ts';
import type { Channel, ChannelStatus, NotificationGroup } from '../domain/monitoring/notification.ts';
import type { Invitation, User } from '../domain/monitoring/user.ts';

/** Plain keyed documents of one organization: one Query lists them. */
export interface Collection<T extends { id: string }> {
  get(orgId: string, id: string): Promise<T | undefined>;
  /** The documents with these ids (unknown ids are left out), in batches. */
  getMany(orgId: string, ids: string[]): Promise<T[]>;
  list(orgId: string): Promise<T[]>;
  put(orgId: string, item: T): Promise<void>;
  /** Creates only if absent; false when it already existed. */
  create(orgId: string, item: T): Promise<boolean>;
  /** Returns false when there was nothing to delete. */
  delete(orgId: string, id: string): Promise<boolean>;
}

/** Documents written only over the `version` they were read at (absent for version 1). */
export interface VersionedCollection<T extends { id: string; version: number }> {
  get(orgId: string, id: string): Promise<T | undefined>;
  list(orgId: string): Promise<T[]>;
  /** Writes `item` if the stored version is `item.version - 1` (absent for 1); false otherwise. */
  save(orgId: string, item: T): Promise<boolean>;
  /** Deletes if the stored version is still `version`; false otherwise. */
  remove(orgId: string, id: string, version: number): Promise<boolean>;
}

export interface Page<T> {
  items: T[];
  /** Present only when older items exist. */
  nextId?: string;
}

/** The entity store's monitoring half: monitors, alert state and history, notification settings, people. */
export interface MonitoringStore {
  monitors: Collection<Monitor> & {
    /** The check monitor of this name, made with `id` if there is none yet; returns the one that exists. */
    ensureCheck(orgId: string, name: string, id: string): Promise<string>;
  };
  /** One item per (monitor, target) that is not OK; conditional on `version`. */
  alertStates: {
    getMany(orgId: string, keys: string[]): Promise<Map<string, AlertState>>;
    list(orgId: string): Promise<AlertState[]>;
    /** Writes `state` if the stored version is `state.version - 1` (absent for 1); false otherwise. */
    save(orgId: string, state: AlertState): Promise<boolean>;
    /** Clears `pending` of `state` (as stored at its version) if the version is still `state.version`. */
    settle(orgId: string, state: AlertState): Promise<void>;
    /** Deletes if the version is still `version`. */
    remove(orgId: string, key: string, version: number): Promise<void>;
  };
  alerts: {
    get(orgId: string, id: string): Promise<Alert | undefined>;
    getMany(orgId: string, ids: string[]): Promise<Alert[]>;
    /** Idempotent: an alert already there is kept. */
    open(orgId: string, alert: Alert): Promise<void>;
    /** Sets status and details (never the memo); closing is final. */
    update(orgId: string, alert: Alert): Promise<void>;
    setMemo(orgId: string, id: string, memo: string): Promise<boolean>;
    /** Every alert, newest first, older than `before` when given. */
    page(orgId: string, limit: number, before?: string): Promise<Page<Alert>>;
  };
  alertLogs: {
    put(orgId: string, alertId: string, log: AlertLog): Promise<void>;
    /** Many logs (of many alerts) in as few writes as the store allows; each is idempotent by its id. */
    putMany(orgId: string, entries: { alertId: string; log: AlertLog }[]): Promise<void>;
    page(orgId: string, alertId: string, limit: number, before?: string): Promise<Page<AlertLog>>;
  };
  channels: Collection<Channel>;
  /** Each channel's last delivery, failures in a row and suspension (see ChannelStatus). */
  channelStatuses: Collection<ChannelStatus>;
  notificationGroups: Collection<NotificationGroup>;
  downtimes: Collection<Downtime>;
  alertGroupSettings: Collection<AlertGroupSetting>;
  /**
   * Alert groups: each setting's latest group under the setting's id (`latest`), and every group as
   * it last was under its own id (`history`).
   */
  alertGroups: {
    latest: VersionedCollection<LatestAlertGroup>;
    history: Collection<AlertGroup>;
  };
  users: Collection<User>;
  /** Role anomaly detection: models, trainings, the checker's per-role state, hosts' newest features. */
  anomaly: {
    models: Collection<StoredHostModel>;
    trainings: Collection<AnomalyTraining>;
    roleScores: Collection<AnomalyRoleScores>;
    latest: Collection<LatestFeatures>;
  };
  invitations: Collection<Invitation & { id: string }>;
  /** Delivery records: a notification is sent once per (event, channel) whatever the retries. */
  deliveries: {
    /**
     * 'claimed' to send now; 'sent' if it already went; 'busy' if another sender holds a claim made
     * at or after `staleBefore` (epoch seconds; an older claim is a dead sender's and is taken over).
     */
    claim(orgId: string, key: string, now: number, staleBefore: number): Promise<'claimed' | 'sent' | 'busy'>;
    markSent(orgId: string, key: string, now: number): Promise<void>;
    release(orgId: string, key: string): Promise<void>;
  };
}
