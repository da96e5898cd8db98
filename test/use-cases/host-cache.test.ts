import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retireHosts, setHostStatuses } from '#shared/use-cases/hosts/change-host.ts';
import { updateHost } from '#shared/use-cases/hosts/update-host.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { addHost, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_000;

describe('the hot path’s host cache: one read per host per hour, retirements seen within a minute', () => {
  let dynamo: TestDynamo;
  let deps: MonitoringDeps;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await monitoringWorld(dynamo, T0);
  });
  afterAll(() => dynamo.stop());

  /** Counts the entity reads the cache makes. */
  const counted = () => {
    const calls = { summaries: 0, marks: 0 };
    const hosts = deps.entities.hosts;
    const entities = {
      ...deps.entities,
      hosts: {
        ...hosts,
        getSummaries: (org: string, ids: string[]) => {
          calls.summaries++;
          return hosts.getSummaries(org, ids);
        },
        changedAt: (org: string) => {
          calls.marks++;
          return hosts.changedAt(org);
        },
      },
    };
    return { d: { ...deps, entities }, calls };
  };

  it('reads a live host once, then answers from memory while nothing about the organization’s hosts changed', async () => {
    const id = await addHost(deps, 'cached-1');
    const owners = new WritableOwners(deps.clock);
    const { d, calls } = counted();
    for (let m = 0; m < 30; m++) {
      deps.clock.at(T0 + m * 60);
      await owners.assertHosts(d, 'acme', [id]);
    }
    expect(calls.summaries).toBe(1);
    expect(calls.marks).toBe(30); // the organization's change mark, once a minute
    // A save that changes nothing the hot path reads (the agent's hourly spec update) marks nothing.
    await updateHost(deps, 'acme', id, { name: 'cached-1', meta: { kernel: { release: '6.1' } } });
    deps.clock.at(T0 + 31 * 60);
    await owners.assertHosts(d, 'acme', [id]);
    expect(calls.summaries).toBe(1);
  });

  it('refuses a retired host within a minute, and shows a status change to the monitors in the same time', async () => {
    const [a, b] = [await addHost(deps, 'retiring'), await addHost(deps, 'resting')];
    const owners = new WritableOwners(deps.clock);
    const directory = new MonitorDirectory(30_000, owners.hosts);
    deps.clock.at(T0 + 3600);
    await owners.assertHosts(deps, 'acme', [a, b]);
    expect((await directory.host(deps, 'acme', b))?.status).toBe('working');

    await retireHosts(deps, 'acme', [a]);
    await setHostStatuses(deps, 'acme', [b], 'maintenance');
    deps.clock.at(T0 + 3600 + 30);
    await owners.assertHosts(deps, 'acme', [a]); // still remembered: at most a minute
    deps.clock.at(T0 + 3600 + 61);
    await expect(owners.assertHosts(deps, 'acme', [a])).rejects.toThrow(/Host Not Found/);
    expect((await directory.host(deps, 'acme', b))?.status).toBe('maintenance');
  });
});
