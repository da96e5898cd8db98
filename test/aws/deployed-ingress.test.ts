import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LINE_KEYS } from '#shared/http/fronts/access-log.ts';
import { expectGoSuitePasses } from '../compat/go-suite.ts';
import { AlbFront } from '../support/deployed/alb-front.ts';
import { FunctionUrlFront } from '../support/deployed/function-url-front.ts';
import { Harness } from '../support/deployed/harness.ts';
import { agentClient, callFront } from '../support/deployed/http.ts';
import { addTenant } from '../support/deployed/tenants.ts';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

/** The function's access lines: the JSON lines with exactly the HTTP API's access log keys. */
const accessLines = (h: Harness) =>
  h
    .fn('HttpFunction')
    .logs.filter((l) => l.startsWith('{"id":'))
    .map((l) => JSON.parse(l) as Record<string, string>)
    .filter((l) => Object.keys(l).join() === ACCESS_LINE_KEYS.join());

/**
 * The other front doors, each synthesized and run as deployed (test/support/deployed/): the
 * function URL and the load balancer reach the one HTTP function from its bundled asset, which
 * answers every route as the HTTP API's two functions do, writes the access line, and is throttled
 * by its reserved concurrency.
 */
for (const [ingress, context] of [
  ['function-url', { ingress: 'function-url', reservedConcurrency: '3' }],
  ['alb', { ingress: 'alb', domainName: 'mackerel.acme.example', certificateArn: CERTIFICATE }],
] as const)
  describe(`AWS as deployed: the ${ingress} ingress`, () => {
    let h: Harness;
    let acme: string;

    beforeAll(async () => {
      h = await Harness.deploy(context);
      acme = await addTenant(h, 'acme');
    }, 180_000);
    afterAll(() => h?.stop());

    it('serves the agent’s registration and posts and the reads back through one function, and logs each request', async () => {
      expect(h.front).toBeInstanceOf(ingress === 'alb' ? AlbFront : FunctionUrlFront);
      const agent = agentClient(h.front.url, acme);
      const hostId = await agent.register({ name: 'ingress-1' });
      const now = Math.floor(Date.now() / 1000);
      await agent.post([
        { hostId, name: 'loadavg5', time: now - 60, value: 1.5 },
        { hostId, name: 'loadavg5', time: now, value: 2.5 },
      ]);
      const graph = await agent.series(hostId, 'loadavg5', now - 600, now);
      expect(graph.json.metrics.map((p: { value: number }) => p.value)).toEqual([1.5, 2.5]);
      // Repeated query keys reach the function (the load balancer's multi-value parameters).
      await agent.call('POST', `/api/v0/hosts/${hostId}/status`, { status: 'standby' });
      const listed = await agent.call('GET', '/api/v0/hosts?status=working&status=standby');
      expect(listed.json.hosts.map((x: { id: string }) => x.id)).toEqual([hostId]);
      const lines = accessLines(h);
      const post = lines.find((l) => l.m === 'POST' && l.p === '/api/v0/tsdb');
      expect(post).toMatchObject({ s: '200', b: '{"success":true}'.length.toString(), err: '-' });
      expect(post?.ip).toBe('127.0.0.1');
      expect(post?.id).not.toBe('');
      expect(lines.some((l) => l.p === `/api/v0/hosts/${hostId}/metrics` && l.s === '200')).toBe(true);
      expect(h.fn('HttpFunction').logs.join('\n')).not.toContain(acme);
    });

    it('answers bad input as the HTTP API does, in Mackerel’s shape, and loses nothing stored', async () => {
      const agent = agentClient(h.front.url, acme);
      const hostId = await agent.register({ name: 'ingress-bad' });
      const now = Math.floor(Date.now() / 1000);
      await agent.post([{ hostId, name: 'loadavg1', time: now, value: 0.5 }]);
      const cases = [
        [await callFront(h.front.url, undefined, 'GET', '/api/v0/hosts'), 401],
        [await callFront(h.front.url, 'not-a-key', 'GET', '/api/v0/hosts'), 403],
        [await callFront(h.front.url, acme, 'POST', '/api/v0/tsdb', '[{"hostId":'), 400],
        [
          await callFront(h.front.url, acme, 'POST', '/api/v0/tsdb', [
            { hostId, name: 'x', time: 'now', value: 1 },
          ]),
          400,
        ],
        [await callFront(h.front.url, acme, 'GET', '/api/v0/nowhere'), 404],
      ] as const;
      for (const [res, status] of cases) {
        expect(res.status, res.text).toBe(status);
        expect(typeof res.json?.error?.message, res.text).toBe('string');
      }
      const kept = await agent.series(hostId, 'loadavg1', now - 60, now);
      expect(kept.json.metrics).toEqual([{ time: now, value: 0.5 }]);
    });

    it('refuses a body over its limit: the function’s 413 behind a function URL, the balancer’s own past 1 MB', async () => {
      const body = `[${'{"hostId":"x","name":"n","time":1,"value":1},'.repeat(110_000)}{}]`; // ~5 MB
      const res = await callFront(h.front.url, acme, 'POST', '/api/v0/tsdb', body);
      expect(res.status).toBe(413);
      if (ingress === 'alb') expect(res.text).toContain('413 Request Entity Too Large');
      else expect(res.json.error.message).toMatch(/too large/);
    });

    it('passes the mackerel-client-go suite through the front', { timeout: 600_000 }, async () => {
      await expectGoSuitePasses(h.front.url, await addTenant(h, 'default'));
    });

    if (ingress === 'function-url')
      it('throttles past the function’s reserved concurrency with Lambda’s 429', async () => {
        const answers = await Promise.all(
          Array.from({ length: 12 }, () => callFront(h.front.url, acme, 'GET', '/api/v0/org')),
        );
        const statuses = answers.map((a) => a.status);
        expect(statuses).toContain(429);
        expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        expect(answers.find((a) => a.status === 429)?.json).toEqual({ Message: 'Rate Exceeded.' });
      });

    it('makes only the AWS calls the HTTP function’s role allows', () => {
      const report = h.iamReport();
      expect(report.calls).toBeGreaterThan(10);
      expect(report.denied).toEqual([]);
    });
  });
