import { mapLimited } from '../../concurrency.ts';
import { type HostSummary, hostLabel } from '../../domain/host.ts';
import type { AlertLog } from '../../domain/monitoring/alert.ts';
import { type AlertType, timeOrderedId } from '../../domain/monitoring/alert.ts';
import {
  type AlertEffect,
  type AlertState,
  type Observation,
  stateKey,
  type Target,
  transition,
} from '../../domain/monitoring/alert-state.ts';
import { type Downtime, downtimeCovers, isDowntimeActive } from '../../domain/monitoring/downtime.ts';
import type { Monitor } from '../../domain/monitoring/monitor.ts';
import type { AlertEvent } from '../../domain/monitoring/notification.ts';
import type { Deps } from '../../ports/deps.ts';
import { dispatchAlertEvent } from '../notifications/dispatch.ts';
import { changeOf, groupAlertChange } from './alert-groups.ts';

/** One monitor's verdict on one target, ready to be applied to its alert state. */
export interface Evaluation {
  monitor: Monitor;
  target: Target;
  observation: Observation;
  alertType: AlertType;
  maxCheckAttempts: number;
  notificationInterval?: number;
  host?: HostSummary;
}

const TRIES = 5;

/** Everything an evaluation batch shares, loaded at most once. */
class BatchContext {
  #downtimes?: Promise<Downtime[]>;
  #orgName?: Promise<string>;
  readonly #deps: Deps;
  readonly #orgId: string;
  constructor(deps: Deps, orgId: string) {
    this.#deps = deps;
    this.#orgId = orgId;
  }
  downtimes(): Promise<Downtime[]> {
    this.#downtimes ??= this.#deps.entities.downtimes.list(this.#orgId);
    return this.#downtimes;
  }
  orgName(): Promise<string> {
    this.#orgName ??= this.#deps.entities.orgs.get(this.#orgId).then((o) => o?.name ?? this.#orgId);
    return this.#orgName;
  }
}

function eventOf(e: Evaluation, effect: AlertEffect, orgName: string): AlertEvent {
  const m = e.monitor;
  const a = effect.alert;
  return {
    orgName,
    kind: effect.kind,
    at: effect.at,
    alert: {
      id: a.id,
      status: a.status,
      type: a.type,
      isOpen: a.isOpen,
      openedAt: a.openedAt,
      trigger: effect.trigger,
      ...(a.closedAt !== undefined && { closedAt: a.closedAt }),
      ...(a.value !== undefined && { value: a.value }),
      ...(a.message !== undefined && { message: a.message }),
      ...(a.reason !== undefined && { reason: a.reason }),
      ...(a.series !== undefined && { series: a.series }),
    },
    monitor: {
      id: m.id,
      name: m.name,
      type: m.type,
      ...('metric' in m && { metric: m.metric }),
      ...('query' in m && { query: m.query }),
      ...('operator' in m && { operator: m.operator, warning: m.warning, critical: m.critical }),
      ...('duration' in m && { duration: m.duration }),
      ...('memo' in m && m.memo !== undefined && { memo: m.memo }),
    },
    ...(e.host && {
      host: {
        id: e.host.id,
        name: hostLabel(e.host),
        status: e.host.status,
        memo: e.host.memo,
        isRetired: e.host.isRetired,
        roles: Object.entries(e.host.roles).flatMap(([service, roles]) =>
          roles.map((role) => ({ service, role })),
        ),
      },
    }),
    ...(e.target.service !== undefined && { service: e.target.service }),
  };
}

const isIdle = (s: AlertState) => s.status === 'OK' && s.attempts === 0 && s.alertId === undefined;

/**
 * Pending effects younger than this belong to a writer that is still at work; older ones were left
 * by a writer that died, and the next reader finishes them (effects are idempotent either way).
 */
const PENDING_GRACE_SECONDS = 30;
export const isStale = (s: AlertState, now: number): boolean =>
  s.pending.length > 0 && now - Math.max(...s.pending.map((e) => e.at)) >= PENDING_GRACE_SECONDS;

/** A saved state whose pending effects are to be carried out, and whether it was critical before. */
interface Unsettled {
  state: AlertState;
  wasCritical: boolean;
}

/** The alert logs a batch's effects write, written together (25 an item batch). */
type LogEntries = { alertId: string; log: AlertLog }[];

/** One state's pending effects in order: alert item, alert groups, notification jobs; its logs to `logs`. */
async function carryOut(deps: Deps, orgId: string, { state, wasCritical }: Unsettled, logs: LogEntries) {
  for (const effect of state.pending) {
    const a = effect.alert;
    if (effect.kind === 'open') await deps.entities.alerts.open(orgId, a);
    else if (effect.kind !== 'renotify') await deps.entities.alerts.update(orgId, a);
    if (effect.kind !== 'renotify')
      logs.push({
        alertId: a.id,
        log: {
          id: effect.id,
          createdAt: effect.at,
          status: a.status,
          trigger: effect.trigger,
          monitorId: a.monitorId,
          targetValue: a.value ?? null,
          ...(a.message !== undefined && { message: a.message }),
        },
      });
    const inAlertGroup = await groupAlertChange(deps, orgId, changeOf(effect));
    if (effect.notify)
      await dispatchAlertEvent(deps, orgId, effect, wasCritical || a.status === 'CRITICAL', inAlertGroup);
  }
}

/**
 * Carries out stored states' pending effects (alert items, alert groups, notification jobs, then
 * the alert logs of all of them together), then clears them, or removes a state that is idle. Every
 * step is idempotent and a state is cleared only once all its effects are done, so a replay after a
 * crash, or by a second checker, repeats nothing anyone can see.
 */
async function settleAll(deps: Deps, orgId: string, unsettled: Unsettled[]): Promise<void> {
  const logs: LogEntries = [];
  await mapLimited(unsettled, 8, (u) => carryOut(deps, orgId, u, logs));
  if (logs.length > 0) await deps.entities.alertLogs.putMany(orgId, logs);
  await mapLimited(unsettled, 8, async ({ state }) => {
    if (isIdle(state))
      await deps.entities.alertStates.remove(orgId, `${state.monitorId}#${state.target}`, state.version);
    else if (state.pending.length > 0) await deps.entities.alertStates.settle(orgId, state);
  });
}

/** One stored state's pending effects carried out and cleared (a state left by a writer that died). */
export function settleState(
  deps: Deps,
  orgId: string,
  state: AlertState,
  wasCritical = false,
): Promise<void> {
  return settleAll(deps, orgId, [{ state, wasCritical }]);
}

/** One evaluation's transition saved; answers the saved state, whose effects the batch carries out. */
async function applyOne(
  deps: Deps,
  orgId: string,
  e: Evaluation,
  states: Map<string, AlertState>,
  ctx: BatchContext,
): Promise<Unsettled | undefined> {
  const key = stateKey(e.target);
  const now = Math.floor(deps.clock.now() / 1000);
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    let previous = states.get(key);
    if (previous && isStale(previous, now)) {
      await settleState(deps, orgId, previous);
      previous = isIdle(previous) ? undefined : { ...previous, pending: [] };
    }
    let notify = e.host?.status !== 'standby' && !('isMute' in e.monitor && e.monitor.isMute);
    if (e.observation.status !== 'OK' || previous) {
      const roles = e.host?.roles ?? (e.target.service ? { [e.target.service]: [] } : {});
      const muted = (await ctx.downtimes()).some(
        (d) => isDowntimeActive(d, now) && downtimeCovers(d, { monitorId: e.monitor.id, roles }),
      );
      // A downtime suspends monitoring: nothing new opens, but recoveries still close.
      if (muted && e.observation.status !== 'OK') return undefined;
      notify &&= !muted;
    }
    const t = transition(previous && { ...previous, pending: [] }, e.target, e.observation, {
      now,
      alertType: e.alertType,
      maxCheckAttempts: e.maxCheckAttempts,
      ...(e.notificationInterval !== undefined && { notificationInterval: e.notificationInterval }),
      notify,
      newId: () => timeOrderedId(deps.clock.now()),
      newAlertId: () => timeOrderedId(deps.clock.now()),
    });
    if (!t) return undefined;
    const orgName = t.effects.length > 0 ? await ctx.orgName() : '';
    const next: AlertState = {
      ...t.next,
      version: (previous?.version ?? 0) + 1,
      // Effects another writer has not finished yet are carried along: whoever settles does them all.
      pending: [
        ...(previous?.pending ?? []),
        ...t.effects.map((effect) => ({ ...effect, event: eventOf(e, effect, orgName) })),
      ],
    };
    if (await deps.entities.alertStates.save(orgId, next)) {
      if (t.idle) states.delete(key);
      else states.set(key, { ...next, pending: [] });
      return { state: next, wasCritical: previous?.status === 'CRITICAL' };
    }
    const fresh = await deps.entities.alertStates.getMany(orgId, [key]);
    const current = fresh.get(key);
    if (current) states.set(key, current);
    else states.delete(key);
  }
  throw new Error(`alert state ${key} kept changing under ${TRIES} attempts`);
}

/** A collection whose `list` is read once per organization while it lives; any other call forgets it. */
function listedOnce<C extends { list(orgId: string): Promise<unknown[]> }>(collection: C): C {
  const lists = new Map<string, Promise<unknown[]>>();
  return new Proxy(collection, {
    get(target, prop) {
      const real = Reflect.get(target, prop, target);
      if (typeof real !== 'function') return real;
      if (prop === 'list')
        return (orgId: string) => {
          let list = lists.get(orgId);
          if (!list) {
            list = target.list(orgId);
            lists.set(orgId, list);
            list.catch(() => lists.delete(orgId));
          }
          return list;
        };
      return (...args: unknown[]) => {
        lists.clear();
        return (real as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * What every transition of one batch reads alike: the organization's alert group settings, its latest
 * alert groups (read again after any write to them) and its notification channels, groups and
 * channel statuses, read once for the batch: a thousand hosts falling silent at once open a thousand
 * alerts with one read of each, not a thousand.
 */
function batchReads<D extends Deps>(deps: D): D {
  const e = deps.entities;
  return {
    ...deps,
    entities: {
      ...e,
      alertGroupSettings: listedOnce(e.alertGroupSettings),
      channels: listedOnce(e.channels),
      notificationGroups: listedOnce(e.notificationGroups),
      channelStatuses: listedOnce(e.channelStatuses),
      alertGroups: { ...e.alertGroups, latest: listedOnce(e.alertGroups.latest) },
    },
  };
}

/**
 * Applies monitors' verdicts to alert states: opens, changes, re-notifies and closes alerts, each
 * exactly once however many checkers run. `known` may carry states already read (the checker reads
 * them all); the others are read in one batch. Targets are independent and applied a few at a time.
 */
export async function applyEvaluations(
  dependencies: Deps,
  orgId: string,
  evaluations: Evaluation[],
  known?: Map<string, AlertState>,
): Promise<void> {
  if (evaluations.length === 0) return;
  const deps = batchReads(dependencies);
  const states =
    known ??
    (await deps.entities.alertStates.getMany(
      orgId,
      evaluations.map((e) => stateKey(e.target)),
    ));
  const ctx = new BatchContext(deps, orgId);
  // One target's evaluations run in order (check reports may carry several); targets run side by side.
  const byTarget = new Map<string, Evaluation[]>();
  for (const e of evaluations)
    byTarget.set(stateKey(e.target), [...(byTarget.get(stateKey(e.target)) ?? []), e]);
  const queue = [...byTarget.values()];
  // Saved states whose effects are carried out together once every target is saved (their alert
  // logs in a few batch writes: a thousand silent hosts are a thousand writes fewer). A target with
  // several evaluations (a check report's results) settles each before the next, in order.
  const unsettled: Unsettled[] = [];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift())
      for (const e of group) {
        const saved = await applyOne(deps, orgId, e, states, ctx);
        if (!saved) continue;
        if (group.length === 1) unsettled.push(saved);
        else await settleAll(deps, orgId, [saved]);
      }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  await settleAll(deps, orgId, unsettled);
}
