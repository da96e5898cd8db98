import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ForwardedPoint, ForwardSelector, parseForwardRules } from '#shared/domain/forwarding.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { createMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { createService } from '#shared/use-cases/services/services.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { apiEvent } from '../support/events.ts';
import { recordingLogger } from '../support/logger.ts';
import { addHost, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';

const T0 = 1_800_000_000;
const DAY = 86_400;

const post = (path: string, body: unknown) => apiEvent('POST', path, body);

describe('one ingest pipeline: what is not stored is neither evaluated nor forwarded', () => {
  let dynamo: TestDynamo;
  let deps: MonitoringDeps;
  const forwarded: ForwardedPoint[] = [];
  const log = recordingLogger('warn');
  let handler: ReturnType<typeof createIngestHandler>;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await monitoringWorld(dynamo, T0);
    await createService(deps, 'acme', 'shop', '');
    handler = createIngestHandler(deps, {
      logger: log.logger,
      monitorCacheMs: 0,
      ownersCacheMs: 0,
      forwarding: {
        selector: new ForwardSelector(parseForwardRules({ metrics: ['*'], dimensions: ['HostId'] })),
        queue: {
          async send(_org, points) {
            forwarded.push(...points);
          },
        },
      },
    });
  });
  afterAll(() => dynamo.stop());

  const openAlerts = async () => (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;

  it('a point two days ahead or three days old: 200 as Mackerel answers, no alert, nothing forwarded, logged', async () => {
    const hostId = await addHost(deps, 'web-1');
    await createMonitor(deps, 'acme', {
      type: 'host',
      name: 'custom high',
      metric: 'custom.x',
      operator: '>',
      warning: null,
      critical: 90,
      duration: 1,
      maxCheckAttempts: 1,
    });
    await createMonitor(deps, 'acme', {
      type: 'service',
      name: 'orders high',
      service: 'shop',
      metric: 'orders',
      operator: '>',
      warning: null,
      critical: 90,
      duration: 1,
      maxCheckAttempts: 1,
    });
    log.lines.length = 0;

    for (const time of [T0 + 2 * DAY, T0 - 3 * DAY]) {
      const host = await handler(
        post('/api/v0/tsdb', [{ hostId, name: 'custom.x', time, value: 99 }]),
        {} as never,
      );
      expect(host.statusCode).toBe(200);
      expect(JSON.parse(host.body)).toEqual({ success: true });
      const service = await handler(
        post('/api/v0/services/shop/tsdb', [{ name: 'orders', time, value: 99 }]),
        {} as never,
      );
      expect(service.statusCode).toBe(200);
    }
    expect(await openAlerts()).toEqual([]);
    expect(forwarded).toEqual([]);
    expect(await deps.metrics.names('acme', { kind: 'host', id: hostId })).toEqual([]);
    // The request log says what was dropped and why, at warn level (what AWS keeps for ingest).
    expect(log.lines).toEqual([
      expect.stringMatching(/^WARN POST \/api\/v0\/tsdb 200 .* points=0 droppedTooOld=0 droppedFuture=1$/),
      expect.stringMatching(/^WARN POST \/api\/v0\/services\/shop\/tsdb 200 .* droppedFuture=1$/),
      expect.stringMatching(/^WARN POST \/api\/v0\/tsdb 200 .* points=0 droppedTooOld=1 droppedFuture=0$/),
      expect.stringMatching(
        /^WARN POST \/api\/v0\/services\/shop\/tsdb 200 .* droppedTooOld=1 droppedFuture=0$/,
      ),
    ]);
  });

  it('in a post mixing kept and dropped points, only the kept ones are evaluated and forwarded', async () => {
    const hostId = await addHost(deps, 'web-2');
    forwarded.length = 0;
    const res = await handler(
      post('/api/v0/tsdb', [
        { hostId, name: 'custom.x', time: T0 + 3 * DAY, value: 99 },
        { hostId, name: 'custom.x', time: T0, value: 10 },
      ]),
      {} as never,
    );
    expect(res.statusCode).toBe(200);
    expect(forwarded.map((p) => [p.n, p.t, p.v])).toEqual([['custom.x', T0, 10]]);
    expect((await openAlerts()).filter((a) => a.hostId === hostId)).toEqual([]);

    await handler(
      post('/api/v0/tsdb', [{ hostId, name: 'custom.x', time: T0 + 60, value: 95 }]),
      {} as never,
    );
    expect((await openAlerts()).filter((a) => a.hostId === hostId)).toMatchObject([
      { status: 'CRITICAL', value: 95 },
    ]);
  });
});
