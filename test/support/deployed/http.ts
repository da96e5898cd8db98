import { expect } from 'vitest';
import { agentHostBody, goJson } from '../../fixtures/agent.ts';

/** One request to a front (the harness's or the local server's), answered as status and parsed JSON. */
export async function callFront(
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: test helper returns loosely typed JSON
): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key !== undefined && { 'x-api-key': key }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * One front with one key, called as the agent calls it: register a host (the stock agent's body),
 * post points (client-go's JSON encoding), read a series back. Registering and posting expect 200.
 */
export function agentClient(base: string, key: string) {
  const call = (method: string, path: string, body?: unknown) => callFront(base, key, method, path, body);
  return {
    call,
    async register(overrides: Record<string, unknown> = {}): Promise<string> {
      const created = await call('POST', '/api/v0/hosts', goJson(agentHostBody(overrides)));
      expect(created.status, created.text).toBe(200);
      return created.json.id as string;
    },
    async post(points: { hostId: string; name: string; time: number; value: number }[]): Promise<void> {
      const posted = await call('POST', '/api/v0/tsdb', goJson(points));
      expect(posted.status, posted.text).toBe(200);
    },
    series: (hostId: string, name: string, from: number, to: number) =>
      call('GET', `/api/v0/hosts/${hostId}/metrics?name=${name}&from=${from}&to=${to}`),
  };
}
