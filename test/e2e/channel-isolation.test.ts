import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlackHole, startReceiver } from '../support/http-receiver.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';
import { groupWebhook } from '../support/monitoring.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('locally, ten never-answering channels delay no other', () => {
  let server: TestServer;
  let dead: Awaited<ReturnType<typeof startBlackHole>>;
  let good: Awaited<ReturnType<typeof startReceiver>>;
  const arrivals: { at: number; status: string }[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { SABA_CONNECTIVITY_TIMEOUT_SECONDS: '1' } });
    dead = await startBlackHole();
    good = await startReceiver((r) => {
      arrivals.push({ at: Date.now(), status: JSON.parse(r.body).alert.status });
      return {};
    });
  });
  afterAll(async () => {
    await server.destroy();
    await dead.stop();
    await good.stop();
  });

  it('delivers the good webhook within 2 s of each of four successive events', async () => {
    const call = clientFor(server, server.key);
    for (let i = 0; i < 10; i++)
      await call('POST', '/api/v0/channels', groupWebhook(`dead-${i}`, `${dead.url}/dead-${i}`));
    await call('POST', '/api/v0/channels', groupWebhook('good', `${good.url}/good`));
    const hostId = (await call('POST', '/api/v0/hosts', { name: 'flappy', meta: {} })).json.id as string;
    const post = () =>
      call('POST', '/api/v0/tsdb', [
        { hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000), value: 1 },
      ]);

    const delays: number[] = [];
    for (const expected of ['critical', 'ok', 'critical', 'ok']) {
      if (expected === 'critical')
        await sleep(2100); // silent past the 1 s timeout
      else await post();
      const before = arrivals.length;
      const event = Date.now();
      await server.runtime.monitoring.check();
      for (const end = event + 5000; arrivals.length === before && Date.now() < end; ) await sleep(20);
      const arrival = arrivals[before];
      expect(arrival?.status).toBe(expected);
      delays.push((arrival?.at ?? Infinity) - event);
    }
    expect(delays.every((d) => d < 2000)).toBe(true);
    expect(dead.connections()).toBeGreaterThanOrEqual(10); // the dead channels were tried, and hung
  }, 60_000);
});
