import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEATURES, featureColumns, featuresOf } from '#shared/domain/monitoring/anomaly/features.ts';
import { type HostModel, trainRole } from '#shared/domain/monitoring/anomaly/model.ts';
import {
  anomalyMessage,
  type HostFeatures,
  type HostScore,
  scoreRole,
  statusOfScore,
} from '#shared/domain/monitoring/anomaly/score.ts';
import { generateRole } from '../../bench/anomaly/generate.ts';
import { alertsBySensitivity, judge, replay, train, trainingSeries } from '../../bench/anomaly/replay.ts';

/** Seed 42 is the tests' own: the benchmark's thresholds and figures come from other seeds. */
const SEED = 42;

describe('role anomaly detection, the model', () => {
  it('makes the same features column by column (training) as minute by minute (ingest), gaps included', () => {
    const role = generateRole({ seed: SEED, hosts: 2, days: 1, trainDays: 1, anomalies: 0 });
    const columns = Object.fromEntries(Object.entries(role.columns(0)).map(([n, c]) => [n, c.slice()]));
    // The agent missed a minute, and one minute came without its idle CPU.
    for (const c of Object.values(columns)) c[10] = Number.NaN;
    (columns['cpu.idle.percentage'] as Float64Array)[20] = Number.NaN;
    const made = featureColumns(columns, role.minutes);
    for (let i = 0; i < role.minutes; i++) {
      const values = Object.fromEntries(
        Object.entries(columns).flatMap(([n, c]) =>
          Number.isNaN(c[i] as number) ? [] : [[n, c[i] as number]],
        ),
      );
      const one = featuresOf(values);
      for (const f of FEATURES) {
        const v = made[f]?.[i] as number;
        if (one[f] === undefined) expect(Number.isNaN(v), `${f} at ${i}`).toBe(true);
        else expect(v, `${f} at ${i}`).toBeCloseTo(one[f] as number, 12);
      }
    }
    expect(Object.keys(featuresOf({ 'custom.thing': 1 }))).toEqual([]);
  });

  it('finds the injected anomalies of a labelled role at normal, within 10 minutes, and no role-wide event', {
    timeout: 60_000,
  }, () => {
    const role = generateRole({ seed: SEED });
    expect(role.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['rollingDeploy', 'trafficDoubling']),
    );
    const run = replay(role, train(role));
    const alerts = alertsBySensitivity(role, run);
    const normal = judge(role, 'normal', alerts.normal);
    expect(normal.anomalies).toBe(15);
    // Every anomaly alerts while it lasts; only a slow memory leak may take more than 10 minutes
    // (this seed draws two leaks of about 0.3 points a minute: 11 and 12 minutes). The benchmark's
    // 90 % target is over its six held-out roles.
    expect(normal.detected).toBe(15);
    expect(normal.detectedInTime).toBeGreaterThanOrEqual(13);
    expect(
      Object.entries(normal.byKind)
        .filter(([, k]) => k.inTime < k.anomalies)
        .map(([kind]) => kind),
    ).toEqual(['memoryLeak']);
    expect(normal.roleEventAlerts).toBe(0);
    expect((100 * normal.falseAlerts) / normal.hostDays).toBeLessThanOrEqual(1);
    // Sensitivities order as their names say.
    const insensitive = judge(role, 'insensitive', alerts.insensitive);
    const sensitive = judge(role, 'sensitive', alerts.sensitive);
    expect(insensitive.alerts).toBeLessThanOrEqual(normal.alerts);
    expect(normal.alerts).toBeLessThanOrEqual(sensitive.alerts);
  });

  describe('scoring one minute', () => {
    const role = generateRole({ seed: SEED, hosts: 6, days: 3, trainDays: 2, anomalies: 0 });
    const models = new Map(
      trainRole({
        from: role.start,
        minutes: role.trainMinutes,
        hosts: trainingSeries(role, 0, role.trainMinutes),
        trainedAt: role.start + role.trainMinutes * 60,
      }).map((m): [string, HostModel] => [m.hostId, m]),
    );
    const minute = (i: number): HostFeatures[] =>
      role.hostIds.map((hostId, h) => ({
        hostId,
        at: role.start + i * 60,
        features: featuresOf(role.values(h, i)),
      }));

    it('is blind to a step the whole role takes at once (a traffic doubling, a deploy everywhere)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: role.trainMinutes, max: role.minutes - 1 }),
          fc.constantFrom(...FEATURES),
          fc.double({ min: -2, max: 2, noNaN: true }),
          (i, feature, step) => {
            const hosts = minute(i);
            const moved = hosts.map((x) => ({
              ...x,
              features: { ...x.features, [feature]: (x.features[feature] as number) + step },
            }));
            const before = scoreRole(hosts, models, {}, hosts[0]?.at ?? 0).scores;
            const after = scoreRole(moved, models, {}, hosts[0]?.at ?? 0).scores;
            // Scores are reported to 2 decimals: a step may move the unrounded score across a rounding
            // boundary (2.0249… vs 2.0251…), never by more than one unit of it.
            for (const [k, s] of after.entries())
              expect(Math.abs(s.score - (before[k]?.score ?? Number.NaN))).toBeLessThanOrEqual(0.01 + 1e-9);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('scores the one host that moves alone, and names what moved', () => {
      const i = role.trainMinutes + 100;
      const hosts = minute(i);
      const odd = hosts[3] as HostFeatures;
      odd.features = { ...odd.features, networkRx: Math.log1p(10) };
      const { scores } = scoreRole(hosts, models, {}, odd.at);
      const top = [...scores].sort((a, b) => b.score - a.score);
      expect(top[0]?.hostId).toBe(odd.hostId);
      expect(top[0]?.score).toBeGreaterThan(20);
      expect(top[1]?.score).toBeLessThan(7);
      expect(top[0]?.drivers[0]).toMatchObject({
        feature: 'networkRx',
        label: 'network received',
        value: '10 B/s',
      });
      expect(statusOfScore(top[0]?.score ?? 0, { warning: 'sensitive', critical: 'normal' })).toBe(
        'CRITICAL',
      );
      expect(statusOfScore(top[1]?.score ?? 0, { warning: 'sensitive' })).toBe('OK');
      expect(anomalyMessage(top[0] as HostScore)).toMatch(
        /^anomaly score \d+\.\d: network received 10 B\/s \(expected .+\/s\)/,
      );
    });

    it('counts a host posting the very same values again as stuck, and a repeated minute not at all', () => {
      const i = role.trainMinutes + 200;
      let state = scoreRole(minute(i), models, {}, role.start + i * 60).state;
      const frozen = minute(i)[2] as HostFeatures;
      for (let k = 1; k <= 3; k++) {
        const hosts = minute(i + k);
        hosts[2] = { ...frozen, at: role.start + (i + k) * 60 };
        const run = scoreRole(hosts, models, state, role.start + (i + k) * 60);
        state = run.state;
        const stuck = run.scores[2];
        expect(stuck?.flatMinutes).toBe(k);
        expect(stuck?.score).toBeGreaterThanOrEqual(30);
        expect(anomalyMessage(stuck as HostScore)).toMatch(new RegExp(`^metrics unchanged for ${k} min`));
      }
      // No new post since: the same minute scored again is a repeat, and the run does not grow.
      const again = scoreRole(
        minute(i + 3).map((x, k) => (k === 2 ? { ...frozen, at: role.start + (i + 3) * 60 } : x)),
        models,
        state,
        role.start + (i + 3) * 60 + 30,
      );
      expect(again.scores[2]).toMatchObject({ repeat: true, flatMinutes: 3 });
    });

    it('judges a host without a model against its peers only, and says so', () => {
      const i = role.trainMinutes + 300;
      const hosts = minute(i);
      const young = new Map(models);
      young.delete(hosts[0]?.hostId as string);
      const { scores } = scoreRole(hosts, young, {}, role.start + i * 60);
      expect(scores.map((s) => s.peersOnly)).toEqual([true, false, false, false, false, false]);
      expect(anomalyMessage({ ...(scores[0] as HostScore), drivers: [] })).toMatch(
        /too little history: judged against role peers only$/,
      );
      // Before the monitor's first training every host is judged so, and the alert says why.
      expect(anomalyMessage({ ...(scores[0] as HostScore), drivers: [] }, true)).toMatch(
        /no model trained yet: judged against role peers only$/,
      );
    });
  });
});
