import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const MODULE = fileURLToPath(new URL('../compat-go/', import.meta.url));

/** Every test function of the suite: each must pass against every target. */
export const GO_TESTS = [
  'TestOrgServicesRoles',
  'TestHostsAndMetadata',
  'TestMetricsGraphsAnnotations',
  'TestMonitorsOfEveryType',
  'TestAnomalyDetectionMonitor',
  'TestChecksAlertsStatuses',
  'TestNotificationsDowntimesUsers',
  'TestMonitorsRoundTripLikeMkr',
  'TestDashboardsPullPushLikeMkr',
  'TestAWSIntegrations',
  'TestAlertGroupSettings',
  'TestQueryMonitor',
];

/**
 * The official Go client, mackerel-client-go v0.46.0 (what mackerel-agent, mkr and the Terraform
 * provider use), run by `go test` against one target: the local server or the AWS harness's HTTP API
 * front. One suite, any target. Go is required: a missing toolchain fails.
 */
export async function expectGoSuitePasses(url: string, key: string): Promise<void> {
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'go',
      ['test', '-count=1', '-v', './...'],
      {
        cwd: MODULE,
        env: { ...process.env, SABA_URL: url, SABA_API_KEY: key, GOFLAGS: '-mod=readonly' },
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  expect(output, output).toMatch(/^ok\s/m);
  expect(code, output).toBe(0);
  for (const name of GO_TESTS) expect(output).toContain(`--- PASS: ${name}`);
}
