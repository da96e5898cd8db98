import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { startSabaProcess } from '../support/saba-process.ts';

const KEY = 'crash-test-key-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'saba-crash-'));

/** `npm start`'s entry point as its own process, so the test can kill it without warning. */
const start = (port: number) => startSabaProcess(port, dataDir, { SABA_API_KEY: KEY });

const call = async (port: number, method: string, path: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('a 200 on a metric post means durable', () => {
  let proc: ChildProcess | undefined;
  afterAll(() => {
    proc?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged point across a SIGKILL in the middle of concurrent posting', async () => {
    const port = await freePort();
    proc = await start(port);
    const hostId = (await call(port, 'POST', '/api/v0/hosts', { name: 'crash', meta: {} })).json.id as string;
    const now = Math.floor(Date.now() / 1000);
    const acked: number[] = [];
    const posts = Array.from({ length: 200 }, (_, i) =>
      call(port, 'POST', '/api/v0/tsdb', [{ hostId, name: 'durable', time: now - 3600 + i, value: i }])
        .then((r) => {
          if (r.status === 200) acked.push(i);
        })
        .catch(() => {}),
    );
    for (let i = 0; i < 200 && acked.length < 20; i++) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => proc?.once('exit', r));
    proc.kill('SIGKILL'); // no shutdown: whatever was answered 200 must already be on disk
    await Promise.all(posts);
    await exited;

    proc = await start(port);
    const read = await call(
      port,
      'GET',
      `/api/v0/hosts/${hostId}/metrics?name=durable&from=${now - 3600}&to=${now}`,
    );
    const stored = new Set(
      ((read.json.metrics as { value: number }[] | undefined) ?? []).map((p) => p.value),
    );
    expect(acked.length).toBeGreaterThan(0);
    for (const i of acked) expect(stored.has(i), `acknowledged point ${i} lost`).toBe(true);
  });
});
