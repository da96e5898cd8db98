import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, startTestServer } from '../support/local-server.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'saba-cli-'));
const saba = async (...args: string[]) => {
  try {
    const { stdout } = await run(process.execPath, ['infra/cli/saba.ts', ...args], {
      env: { ...process.env, SABA_DATA_DIR: dataDir },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
};

describe('admin CLI (npx saba)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates organizations and keys offline, and those keys work against the server', async () => {
    expect((await saba('orgs', 'create', 'acme', '--default-status', 'standby')).code).toBe(0);
    expect((await saba('orgs', 'create', 'acme')).stdout).toMatch(/already exists/);
    const created = await saba('keys', 'create', '--org', 'acme', '--read-only', '--name', 'grafana');
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const server = await startTestServer({ dataDir });
    try {
      expect(statSync(join(dataDir, 'api-key')).mode & 0o777).toBe(0o600);
      const ro = clientFor(server, key);
      expect((await ro('GET', '/api/v0/org')).json).toEqual({ name: 'acme', displayName: null });
      expect((await ro('POST', '/api/v0/services', { name: 'web' })).status).toBe(403);

      // while the server runs, the CLI goes through its database
      const listed = await saba('keys', 'list', '--org', 'acme');
      const keyId = listed.stdout.split('\t')[0] ?? '';
      expect(listed.stdout).toMatch(/\tread\t.*\tgrafana/);
      const rw = (await saba('keys', 'create', '--org', 'acme')).stdout.trim().split('\n').at(-1) ?? '';
      const host = await clientFor(server, rw)('POST', '/api/v0/hosts', { name: 'h', meta: {} });
      expect(host.status).toBe(200);
      const got = await clientFor(server, rw)('GET', `/api/v0/hosts/${host.json.id}`);
      expect(got.json.host.status).toBe('standby'); // the org's default starting status

      expect((await saba('keys', 'revoke', keyId, '--org', 'acme')).code).toBe(0);
      expect((await saba('keys', 'revoke', keyId, '--org', 'acme')).code).toBe(1);
      expect((await saba('keys', 'list', '--org', 'acme')).stdout).not.toContain(keyId);

      // Users: one address may belong to several organizations; the API lists them.
      expect(
        (await saba('users', 'add', '--org', 'acme', '--email', 'kim@example.com', '--authority', 'owner'))
          .code,
      ).toBe(0);
      expect((await saba('users', 'add', '--org', 'default', '--email', 'kim@example.com')).code).toBe(0);
      expect((await saba('users', 'add', '--org', 'acme', '--email', 'kim@example.com')).stdout).toMatch(
        /already a member/,
      );
      expect((await saba('users', 'add', '--org', 'acme', '--email', 'not-an-address')).code).toBe(1);
      expect(
        (await saba('users', 'add', '--org', 'acme', '--email', 'x@example.com', '--authority', 'god')).code,
      ).toBe(2);
      expect((await saba('users', 'list', '--org', 'acme')).stdout).toMatch(/\tkim@example.com\towner\t/);
      const users = (await clientFor(server, rw)('GET', '/api/v0/users')).json.users;
      expect(users.map((u: { email: string; authority: string }) => `${u.email}:${u.authority}`)).toEqual([
        'kim@example.com:owner',
      ]);
      // The new organization starts with a connectivity monitor.
      expect(
        (await clientFor(server, rw)('GET', '/api/v0/monitors')).json.monitors.map(
          (m: { type: string }) => m.type,
        ),
      ).toEqual(['connectivity']);
    } finally {
      await server.stop();
    }
  });

  it('explains bad usage with exit code 2', async () => {
    const res = await saba('keys', 'fly');
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/unknown command/);
  });
});
