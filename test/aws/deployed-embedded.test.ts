import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/deployed/harness.ts';
import { agentClient } from '../support/deployed/http.ts';
import { addTenant } from '../support/deployed/tenants.ts';

/**
 * The `Saba` construct dropped into a team's own CDK app, tables and all in one stack (README, "Embed
 * it in your own CDK app"): references within one template instead of the standalone app's
 * cross-stack exports, run as deployed.
 */
describe('AWS as deployed: the construct embedded in one stack of another app', () => {
  let h: Harness;
  let key: string;

  beforeAll(async () => {
    h = await Harness.deploy({}, { senderEmail: 'alerts@acme.example', forwardToCloudWatch: 'loadavg5' });
    key = await addTenant(h, 'default');
  }, 180_000);
  afterAll(() => h?.stop());

  it('is one stack whose functions take an agent’s posts, read them back and run the checker', async () => {
    expect(h.assembly.stacks.map((s) => s.name)).toEqual(['AcmeMonitoring']);
    const agent = agentClient(h.front.url, key);
    const hostId = await agent.register();
    const now = Math.floor(Date.now() / 1000);
    await agent.post([{ hostId, name: 'loadavg5', time: now, value: 3 }]);
    const read = await agent.series(hostId, 'loadavg5', now - 60, now);
    expect(read.json.metrics).toEqual([{ time: now, value: 3 }]);
    const [run] = await h.scheduler.fire('MonitoringEveryMinute');
    expect(run).toMatchObject({ ok: true, result: expect.objectContaining({ orgs: 1, hosts: 1 }) });
  });

  it('makes no AWS call its role does not allow', async () => {
    await h.shipLogs();
    const report = h.iamReport();
    expect(report.denied).toEqual([]);
    expect(report.calls).toBeGreaterThan(10);
  });
});
