import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

const PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));

/**
 * moto in server mode (a second implementation of the AWS APIs, from requirements-ci.txt) on a
 * loopback port, single-threaded: moto's threaded server can lose one of two concurrent UpdateItems
 * to the same item, which DynamoDB never does.
 */
export async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    PYTHON,
    [
      '-c',
      [
        'import sys',
        'from werkzeug.serving import run_simple',
        'from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app',
        `run_simple('127.0.0.1', ${port}, DomainDispatcherApplication(create_backend_app), threaded=False, use_reloader=False)`,
      ].join('\n'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (c) => {
    stderr += c;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch {
      if (proc.exitCode !== null || Date.now() > end)
        throw new Error(`moto did not start: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
