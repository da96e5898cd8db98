import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { TargetRefusedError } from '#shared/ports/notifications.ts';
import { judgeAnswer } from '#shared/use-cases/monitoring/external-probe.ts';
import { startReceiver } from '../support/http-receiver.ts';

describe('outbound HTTP (webhooks, Slack, external monitors)', () => {
  let site: Awaited<ReturnType<typeof startReceiver>>;
  let tls: Server;
  let tlsUrl: string;
  const certDir = mkdtempSync(join(tmpdir(), 'saba-cert-'));

  beforeAll(async () => {
    site = await startReceiver((r) => {
      if (r.url === '/slow') return { delayMs: 2000 };
      if (r.url === '/big') return { body: 'x'.repeat(1_000_000) };
      if (r.url === '/to-metadata')
        return { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
      if (r.url === '/to-file') return { status: 301, headers: { location: 'file:///etc/passwd' } };
      if (r.url === '/hop') return { status: 307, headers: { location: '/landed' } };
      return { body: `at ${r.url}` };
    });
    // A certificate that expires in 10 days, made by openssl for this test.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '10',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tls = createHttpsServer(
      { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
      (_req, res) => {
        res.end('secure');
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', () => resolve()));
    tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await site.stop();
    await new Promise<void>((resolve) => tls.close(() => resolve()));
    rmSync(certDir, { recursive: true, force: true });
  });

  const open = outboundHttp({ allowPrivate: true });
  /** Refuses only the cloud metadata address, so the loopback test server is reachable. */
  const guarded = outboundHttp({ allowPrivate: false, refuses: (a) => a.startsWith('169.254.') });

  it('refuses private targets by address and by name unless allowed', async () => {
    const strict = outboundHttp({ allowPrivate: false });
    await expect(strict.request({ url: site.url })).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(strict.request({ url: `http://localhost:${new URL(site.url).port}/` })).rejects.toThrow(
      /private address/,
    );
    await expect(strict.request({ url: 'http://[::1]:9/' })).rejects.toBeInstanceOf(TargetRefusedError);
    expect((await open.request({ url: `${site.url}/ok` })).body).toBe('at /ok');
  });

  it('checks every redirect hop again, and follows only http(s)', async () => {
    await expect(guarded.request({ url: `${site.url}/to-metadata`, followRedirects: true })).rejects.toThrow(
      /169\.254\.169\.254 is a private address/,
    );
    await expect(guarded.request({ url: `${site.url}/to-file`, followRedirects: true })).rejects.toThrow(
      /file: URLs are not allowed/,
    );
    expect((await guarded.request({ url: `${site.url}/hop`, followRedirects: true })).body).toBe(
      'at /landed',
    );
    expect((await guarded.request({ url: `${site.url}/hop` })).status).toBe(307);
  });

  it('gives up at the deadline and reads at most maxBodyBytes', async () => {
    const started = Date.now();
    await expect(open.request({ url: `${site.url}/slow`, timeoutMs: 200 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    const big = await open.request({ url: `${site.url}/big`, maxBodyBytes: 1000 });
    expect(big.body.length).toBe(1000);
  });

  it('reads the certificate’s expiry, which an external monitor judges against its thresholds', async () => {
    await expect(open.request({ url: tlsUrl })).rejects.toThrow(/self.signed|certificate/i);
    const answer = await open.request({ url: tlsUrl, skipCertificateVerification: true });
    expect(answer.body).toBe('secure');
    const days = ((answer.certificateExpiresAt ?? 0) - Date.now() / 1000) / 86400;
    expect(days).toBeGreaterThan(9);
    expect(days).toBeLessThanOrEqual(10);
    const now = Math.floor(Date.now() / 1000);
    const monitor = {
      type: 'external' as const,
      id: 'm',
      name: 'tls',
      url: tlsUrl,
      certificationExpirationWarning: 30,
      certificationExpirationCritical: 14,
    };
    expect(judgeAnswer(monitor, answer, answer.elapsedMs, now)).toMatchObject({
      status: 'CRITICAL',
      message: expect.stringMatching(/certificate expires in (9|10) days/),
    });
    expect(
      judgeAnswer({ ...monitor, certificationExpirationCritical: 5 }, answer, answer.elapsedMs, now).status,
    ).toBe('WARNING');
  });
});
