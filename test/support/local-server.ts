import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '#infra/local/runtime.ts';
import { loadMonitoringConfig } from '#shared/config.ts';

export interface TestServer {
  runtime: LocalRuntime;
  url: string;
  key: string;
  dataDir: string;
  /** Stops the server, keeping the data dir. */
  stop(): Promise<void>;
  /** Starts again on the same data dir (a restart). */
  restart(): Promise<void>;
  /** Stops the server and deletes the data dir. */
  destroy(): Promise<void>;
}

/** The real local server on 127.0.0.1, on a free port, with a temporary data dir. */
export async function startTestServer(
  options: {
    apiKey?: string;
    dataDir?: string;
    env?: Record<string, string>;
    log?: (line: string) => void;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'saba-test-'));
  const config = () => ({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    initialApiKey: options.apiKey ?? 'test-key-0123456789abcdef',
    retentionDays: 460,
    logLevel: 'info' as const,
    // Tests reach their own receivers on 127.0.0.1; the checker runs when a test asks (1 h interval).
    monitoring: loadMonitoringConfig({
      SABA_ALLOW_PRIVATE_TARGETS: '1',
      SABA_CHECK_INTERVAL_SECONDS: '3600',
      ...options.env,
    }),
  });
  const silent = options.log ?? (() => {});
  let runtime = await startLocalRuntime(config(), silent);
  const server: TestServer = {
    runtime,
    url: runtime.url,
    key: runtime.firstApiKey ?? options.apiKey ?? 'test-key-0123456789abcdef',
    dataDir,
    stop: () => runtime.close(),
    async restart() {
      await runtime.close();
      runtime = await startLocalRuntime(config(), silent);
      server.runtime = runtime;
      server.url = runtime.url;
    },
    async destroy() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A tiny client shaped like client-go: JSON bodies, X-Api-Key, and the trailing `?` it always adds. */
export function clientFor(server: { url: string }, key: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}${path.includes('?') ? '' : '?'}`, {
      method,
      headers: {
        'X-Api-Key': key,
        ...(method !== 'GET' && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: test helper returns loosely typed JSON
    return { status: res.status, json: json as any, text, headers: res.headers };
  };
}

/** The common start of an API test: a server, a client with its key, and the service `shop` with role `web`. */
export async function startServerWithShop(): Promise<{
  server: TestServer;
  call: ReturnType<typeof clientFor>;
}> {
  const server = await startTestServer();
  const call = clientFor(server, server.key);
  await call('POST', '/api/v0/services', { name: 'shop' });
  await call('POST', '/api/v0/services/shop/roles', { name: 'web' });
  return { server, call };
}
