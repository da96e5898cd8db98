import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../support/http-receiver.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';
import { groupWebhook } from '../support/monitoring.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text part of an outbox `.eml` (base64 in the file). */
function emlText(file: string): { subject: string; body: string } {
  const raw = readFileSync(file, 'utf8');
  const [head = '', b64 = ''] = raw.split('\r\n\r\n');
  const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
  return { subject, body: Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8') };
}

describe('what a notification says: the host as people name it, the value, the threshold, a link', () => {
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    server = await startTestServer(); // SABA_CONSOLE_URL unset: links go to this server's console
    hooks = await startReceiver();
  });
  afterAll(async () => {
    await server.destroy();
    await hooks.stop();
  });

  it('names the host by its displayName and links to the console by default (webhook and email)', async () => {
    const call = clientFor(server, server.key);
    await call('POST', '/api/v0/invitations', { email: 'oncall@example.com', authority: 'manager' });
    await call('POST', '/api/v0/channels', groupWebhook('hook', `${hooks.url}/hook`));
    await call('POST', '/api/v0/monitors', {
      type: 'host',
      name: 'queue depth',
      metric: 'custom.queue.depth',
      operator: '>',
      warning: 50,
      critical: 90,
      duration: 1,
      maxCheckAttempts: 1,
    });
    // Three agents on one machine: the same hostname, each with its display_name.
    const hostId = (await call('POST', '/api/v0/hosts', { name: 'vm', displayName: 'worker-b', meta: {} }))
      .json.id as string;
    await call('POST', '/api/v0/tsdb', [
      { hostId, name: 'custom.queue.depth', time: Math.floor(Date.now() / 1000), value: 97 },
    ]);
    for (let i = 0; i < 100 && hooks.received.length === 0; i++) await sleep(50);

    const payload = JSON.parse(hooks.received[0]?.body ?? '{}');
    expect(payload.host).toMatchObject({
      id: hostId,
      name: 'worker-b',
      url: `${server.url}/#/hosts/${hostId}`,
    });
    expect(payload.alert.url).toBe(`${server.url}/#/alerts/${payload.alert.id}`);
    expect(payload.alert).toMatchObject({ metricValue: 97, criticalThreshold: 90, status: 'critical' });

    const outbox = join(server.dataDir, 'outbox');
    for (let i = 0; i < 100 && readdirSync(outbox).length === 0; i++) await sleep(50);
    const [file] = readdirSync(outbox);
    const { subject, body } = emlText(join(outbox, file as string));
    expect(subject).toBe('[saba] [default] CRITICAL: queue depth on worker-b');
    expect(body).toContain('Host:         worker-b');
    expect(body).toContain('Value:        97');
    expect(body).toContain('Threshold:    > 90 (CRITICAL)');
    expect(body).toContain(`Link:         ${server.url}/#/alerts/${payload.alert.id}`);
  });
});
