import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { startSabaProcess } from '../support/saba-process.ts';

const KEY = 'kill-test-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'saba-kill-'));

/** `npm start`'s entry point as its own process, checking every second, so the test can kill it mid-delivery. */
const start = (port: number) =>
  startSabaProcess(port, dataDir, {
    SABA_API_KEY: KEY,
    SABA_ALLOW_PRIVATE_TARGETS: '1',
    SABA_CHECK_INTERVAL_SECONDS: '1',
    SABA_CONNECTIVITY_TIMEOUT_SECONDS: '2',
  });

interface Arrival {
  path: string;
  deliveryId: string | undefined;
  body: { deliveryId?: string; alert?: { id: string } };
}

/** Webhook receivers: `/slow` holds its first request forever (the kill lands meanwhile); the rest answer 200. */
async function startReceivers(): Promise<{ url: string; arrivals: Arrival[]; server: Server }> {
  const arrivals: Arrival[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = req.headers['x-saba-delivery-id'];
      arrivals.push({
        path: req.url ?? '',
        deliveryId: Array.isArray(header) ? header[0] : header,
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      const held = req.url === '/slow' && arrivals.filter((a) => a.path === '/slow').length === 1;
      if (!held) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, server };
}

const until = async (what: string, done: () => boolean, ms = 20_000) => {
  for (const end = Date.now() + ms; !done(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a kill while a webhook is in flight', () => {
  let proc: ChildProcess | undefined;
  let receivers: Awaited<ReturnType<typeof startReceivers>> | undefined;
  afterAll(async () => {
    proc?.kill('SIGKILL');
    receivers?.server.closeAllConnections();
    receivers?.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resends the interrupted delivery after the restart with the same delivery id, and nothing that completed', async () => {
    const port = await freePort();
    const hooks = await startReceivers();
    receivers = hooks;
    proc = await start(port);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    for (const name of ['slow', 'fast'])
      await call('POST', '/api/v0/channels', {
        type: 'webhook',
        name,
        url: `${hooks.url}/${name}`,
        addToDefaultNotificationGroup: true,
      });
    const hostId = (await call('POST', '/api/v0/hosts', { name: 'doomed', meta: {} })).id as string;
    await call('POST', '/api/v0/tsdb', [
      { hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000), value: 1 },
    ]);

    // The host goes silent: its connectivity alert goes to both channels; `/slow` never answers.
    await until('both deliveries', () =>
      ['/slow', '/fast'].every((p) => hooks.arrivals.some((a) => a.path === p)),
    );
    await new Promise((r) => setTimeout(r, 500)); // the fast delivery is recorded right after its 200
    const exited = new Promise((r) => proc?.once('exit', r));
    proc.kill('SIGKILL');
    await exited;

    proc = await start(port);
    await until('the resend', () => hooks.arrivals.filter((a) => a.path === '/slow').length === 2);
    await new Promise((r) => setTimeout(r, 3000)); // room for a wrong resend of the completed one

    const slow = hooks.arrivals.filter((a) => a.path === '/slow');
    const fast = hooks.arrivals.filter((a) => a.path === '/fast');
    expect(fast).toHaveLength(1);
    expect(slow).toHaveLength(2);
    const [first, again] = slow as [Arrival, Arrival];
    expect(first.deliveryId).toMatch(/^[0-9a-f]{32}$/);
    expect(again.deliveryId).toBe(first.deliveryId);
    expect(again.body.deliveryId).toBe(first.deliveryId);
    expect(again.body.alert?.id).toBe(first.body.alert?.id);
    expect(fast[0]?.deliveryId).not.toBe(first.deliveryId);
  }, 90_000);
});
