import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server.ts';

const MODULE = fileURLToPath(new URL('../compat-go/', import.meta.url));

/**
 * The official Go client, mackerel-client-go v0.46.0 (what mackerel-agent, mkr and the Terraform
 * provider use), run by `go test` against the local server. Go is required: a missing toolchain fails.
 */
describe('mackerel-client-go against the local server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it('passes the Go compatibility suite', { timeout: 600_000 }, async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'go',
        ['test', '-count=1', '-v', './...'],
        {
          cwd: MODULE,
          env: { ...process.env, SABA_URL: server.url, SABA_API_KEY: server.key, GOFLAGS: '-mod=readonly' },
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(output, output).toMatch(/^ok\s/m);
    expect(code, output).toBe(0);
    for (const name of [
      'TestOrgServicesRoles',
      'TestHostsAndMetadata',
      'TestMetricsGraphsAnnotations',
      'TestMonitorsOfEveryType',
      'TestChecksAlertsStatuses',
      'TestNotificationsDowntimesUsers',
      'TestMonitorsRoundTripLikeMkr',
      'TestDashboardsPullPushLikeMkr',
    ])
      expect(output).toContain(`--- PASS: ${name}`);
  });
});
