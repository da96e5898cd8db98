import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { Saba } from '#infra/saba.ts';
import { buildSaba } from '#infra/saba-app.ts';

const CFN_LINT = fileURLToPath(new URL('../../.venv/bin/cfn-lint', import.meta.url));

/** Every setting combination the app takes, as `cdk synth -c …` would be given it. */
const SETTINGS: Record<string, Record<string, unknown>> = {
  defaults: {},
  timestream: { metricStore: 'timestream', retentionDays: 90 },
  'dynamodb, own sender, short timeout': {
    senderEmail: 'alerts@acme.example',
    connectivityTimeoutSeconds: 60,
    retentionDays: 30,
  },
  'everything on: forwarding, alarm email, custom domain, throttling, provisioned capacity': {
    forwardToCloudWatch: JSON.stringify({ metrics: ['loadavg5', 'custom.*'], roles: ['shop:web'] }),
    alarmEmail: 'ops@acme.example',
    domainName: 'mackerel.acme.example',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3c5d1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f',
    apiRateLimit: 500,
    apiBurstLimit: 200,
    provisionedForHosts: 10000,
  },
  'timestream with forwarding': { metricStore: 'timestream', forwardToCloudWatch: 'loadavg5,memory.*' },
  'a function URL for the front door, forwarding': {
    ingress: 'function-url',
    reservedConcurrency: 200,
    forwardToCloudWatch: 'loadavg5',
  },
  'a load balancer for the front door, provisioned capacity': {
    ingress: 'alb',
    domainName: 'mackerel.acme.example',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3c5d1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f',
    provisionedForHosts: 10000,
  },
};

function lint(templates: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      CFN_LINT,
      ['--append-rules', 'cfn_lint_serverless.rules', '--', ...templates],
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('cfn-lint with the serverless rules, over every synthesized template', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('finds the pinned cfn-lint (npm test installs it; it is never skipped)', () => {
    expect(existsSync(CFN_LINT), 'run `node test/support/python-env.ts` (npm test does)').toBe(true);
  });

  for (const [label, context] of Object.entries(SETTINGS)) {
    it(`reports nothing for ${label}`, { timeout: 120_000 }, async () => {
      const outdir = mkdtempSync(join(tmpdir(), 'saba-synth-'));
      dirs.push(outdir);
      const app = new App({ outdir, context });
      buildSaba(app);
      app.synth();
      const templates = readdirSync(outdir)
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => join(outdir, f));
      expect(templates).toHaveLength(2);
      const { code, output } = await lint(templates);
      expect(output).toBe('');
      expect(code).toBe(0);
    });
  }

  it('reports nothing for the construct embedded in one stack of an existing app', {
    timeout: 120_000,
  }, async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'saba-synth-'));
    dirs.push(outdir);
    const app = new App({ outdir });
    new Saba(new Stack(app, 'Platform'), 'Saba', {
      forwardToCloudWatch: 'loadavg5',
      alarmEmail: 'ops@acme.example',
    });
    app.synth();
    const { code, output } = await lint([join(outdir, 'Platform.template.json')]);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('does report a template with a real problem (the check is live)', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'saba-synth-'));
    dirs.push(outdir);
    const bad = join(outdir, 'bad.template.json');
    await import('node:fs').then(({ writeFileSync }) =>
      writeFileSync(
        bad,
        JSON.stringify({
          Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } },
        }),
      ),
    );
    const { code, output } = await lint([bad]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/E\d{4}|ES6000/);
  });
});
