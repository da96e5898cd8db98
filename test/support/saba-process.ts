import { type ChildProcess, spawn } from 'node:child_process';

/**
 * `npm start`'s entry point as a process of its own on `port` and `dataDir`, so a test can kill it
 * without warning and start it again on the same data; resolves once it answers HTTP.
 */
export async function startSabaProcess(
  port: number,
  dataDir: string,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['infra/local/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), SABA_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/v0/org`);
      return proc;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  proc.kill('SIGKILL');
  throw new Error('server did not start');
}
