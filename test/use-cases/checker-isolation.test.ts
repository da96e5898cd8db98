import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricStore } from '#shared/ports/metric-store.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { createMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { addHost, agentPost, checkerSettings, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_000;

describe('the checker under a failing read', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('skips only the monitor whose read fails (reported with its reason); silent agents and the other monitors still alert', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const silent = await addHost(deps, 'web-1', ['shop:web']);
    const live = await addHost(deps, 'web-2', ['shop:web']);
    await agentPost(deps, silent, { loadavg5: 9, 'memory.used': 9e9 });
    await agentPost(deps, live, { loadavg5: 9, 'memory.used': 9e9 });
    const broken = await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'load',
      expression: 'avg(role(shop:web, loadavg5))',
      operator: '>',
      warning: 1,
      critical: 2,
    });
    const working = await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'memory',
      expression: 'max(role(shop:web, memory.used))',
      operator: '>',
      warning: 1e9,
      critical: 2e9,
    });
    // Every read of loadavg5 fails, on every try.
    let failedReads = 0;
    const failing = new Proxy(deps.metrics, {
      get(target, prop, receiver) {
        const real = Reflect.get(target, prop, receiver);
        if (prop !== 'rangeMany' && prop !== 'range')
          return typeof real === 'function' ? real.bind(target) : real;
        return (...args: unknown[]) => {
          if (args[2] === 'loadavg5') {
            failedReads++;
            return Promise.reject(
              new Error(
                'ProvisionedThroughputExceededException: rate of requests exceeds the allowed throughput',
              ),
            );
          }
          return (real as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as MetricStore;
    deps.clock.at(T0 + 60);
    await agentPost(deps, live, { loadavg5: 9, 'memory.used': 9e9 });
    deps.clock.at(T0 + 200); // web-1 silent for 200 s (> 150 s)
    await agentPost(deps, live, { loadavg5: 9, 'memory.used': 9e9 });
    const logged: string[] = [];
    const stats = await runChecker({ ...deps, metrics: failing }, checkerSettings(), (msg, err) =>
      logged.push(`${msg}: ${(err as Error).message}`),
    );

    expect(failedReads).toBe(2); // tried twice, then skipped
    expect(stats).toMatchObject({ orgs: 1, skipped: 1 });
    expect(logged).toEqual([
      `checker skipped expression monitor ${broken.id} of organization acme: ProvisionedThroughputExceededException: rate of requests exceeds the allowed throughput`,
    ]);
    const open = (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;
    expect(open.map((a) => [a.type, a.hostId ?? a.monitorId, a.status]).sort()).toEqual(
      [
        ['connectivity', silent, 'CRITICAL'],
        ['expression', working.id, 'CRITICAL'],
      ].sort(),
    );
  });
});
