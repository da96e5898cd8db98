import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ForwardedPoint, ForwardSelector, parseForwardRules } from '#shared/domain/forwarding.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { createService } from '#shared/use-cases/services/services.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { apiEvent } from '../support/events.ts';
import { recordingLogger } from '../support/logger.ts';
import { addHost, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_000;

const post = (path: string, body: unknown) => apiEvent('POST', path, body);

describe('ingest with mirroring to CloudWatch on', () => {
  let dynamo: TestDynamo;
  let deps: MonitoringDeps;
  const sent: { org: string; points: ForwardedPoint[] }[] = [];
  let failing = false;
  let handler: HttpHandler;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await monitoringWorld(dynamo, T0);
    handler = createIngestHandler(deps, {
      logger: recordingLogger('error').logger,
      monitorCacheMs: 0,
      ownersCacheMs: 60_000,
      forwarding: {
        selector: new ForwardSelector(
          parseForwardRules({ metrics: ['loadavg5', 'req'], dimensions: ['HostName'] }),
        ),
        queue: {
          async send(org, points) {
            if (failing) throw new Error('SQS unavailable');
            sent.push({ org, points });
          },
        },
      },
    });
  });
  afterAll(() => dynamo.stop());

  it('puts only the chosen points on the queue, once stored, with the host’s dimensions', async () => {
    const hostId = await addHost(deps, 'web-1');
    const res = await handler(
      post('/api/v0/tsdb', [
        { hostId, name: 'loadavg5', time: T0, value: 0.5 },
        { hostId, name: 'memory.used', time: T0, value: 1e9 },
      ]),
      {} as never,
    );
    expect(res.statusCode).toBe(200);
    expect(sent).toEqual([
      { org: 'acme', points: [{ n: 'loadavg5', t: T0, v: 0.5, d: [['HostName', 'web-1']] }] },
    ]);
    await createService(deps, 'acme', 'shop', '');
    await handler(post('/api/v0/services/shop/tsdb', [{ name: 'req', time: T0, value: 3 }]), {} as never);
    expect(sent.at(-1)?.points).toEqual([{ n: 'req', t: T0, v: 3, d: [['Service', 'shop']] }]);
  });

  it('fails the post when the queue refuses, so the agent sends it again; the points are stored all the same', async () => {
    const hostId = await addHost(deps, 'web-2');
    failing = true;
    try {
      const res = await handler(
        post('/api/v0/tsdb', [{ hostId, name: 'loadavg5', time: T0 + 60, value: 2 }]),
        {} as never,
      );
      expect(res.statusCode).toBe(500);
      expect(JSON.parse(res.body).error.message).toBeTypeOf('string');
    } finally {
      failing = false;
    }
    const stored = await deps.metrics.range(
      'acme',
      { kind: 'host', id: hostId },
      'loadavg5',
      T0,
      T0 + 120,
      60,
    );
    expect(stored).toEqual([{ time: T0 + 60, value: 2 }]);
  });
});
