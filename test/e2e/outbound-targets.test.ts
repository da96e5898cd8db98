import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetPolicy } from '#shared/adapters/http/target-policy.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/** Every way to write a refused address that a URL parser accepts, as tried in the issue. */
const REFUSED = [
  ['127.0.0.1', '127.0.0.1'],
  ['[::1]', '::1'],
  ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
  ['0x7f000001', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['0.0.0.0', '0.0.0.0'],
  ['169.254.169.254', '169.254.169.254'],
  ['10.0.0.1', '10.0.0.1'],
] as const;

const external = (url: string) => ({
  type: 'external',
  name: 'probe',
  url,
  method: 'GET',
  notificationInterval: 10,
});

describe('outbound targets refused when they are saved', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    server = await startTestServer({ env: { SABA_ALLOW_PRIVATE_TARGETS: '0' } });
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  it('refuses every form of a private address for webhooks, Slack and external monitors, on create and update', async () => {
    // Saved first at a name that cannot be resolved here (judged again when called).
    const hook = (
      await call('POST', '/api/v0/channels', { type: 'webhook', name: 'h', url: 'https://hooks.invalid/x' })
    ).json;
    const chat = (
      await call('POST', '/api/v0/channels', {
        type: 'slack',
        name: 's',
        url: 'https://hooks.invalid/s',
        mentions: {},
      })
    ).json;
    const probeRes = await call('POST', '/api/v0/monitors', external('https://status.invalid/'));
    const probe = probeRes.json;
    expect(probeRes.status, probeRes.text).toBe(200);
    expect([hook, chat, probe].map((x) => typeof x.id)).toEqual(['string', 'string', 'string']);

    for (const [host, address] of [...REFUSED, ['localhost', '127.0.0.1']] as const) {
      const url = `http://${host}:8080/hook`;
      const attempts = [
        await call('POST', '/api/v0/channels', { type: 'webhook', name: 'w', url }),
        await call('POST', '/api/v0/channels', { type: 'slack', name: 's', url, mentions: {} }),
        await call('POST', '/api/v0/monitors', external(url)),
        await call('PUT', `/api/v0/channels/${hook.id}`, { type: 'webhook', name: 'h', url }),
        await call('PUT', `/api/v0/channels/${chat.id}`, { type: 'slack', name: 's', url, mentions: {} }),
        await call('PUT', `/api/v0/monitors/${probe.id}`, external(url)),
      ];
      for (const res of attempts) {
        expect(res.status, `${host}: ${res.text}`).toBe(400);
        expect(res.json.error.message).toContain(address);
        expect(res.json.error.message).toContain('SABA_ALLOW_PRIVATE_TARGETS=1');
      }
    }
    // Nothing changed, nothing was added.
    const { channels } = (await call('GET', '/api/v0/channels')).json;
    expect(
      channels
        .filter((c: { type: string }) => c.type !== 'email-broadcast')
        .map((c: { url: string }) => c.url)
        .sort(),
    ).toEqual(['https://hooks.invalid/s', 'https://hooks.invalid/x']);
    expect((await call('GET', `/api/v0/monitors/${probe.id}`)).json.monitor.url).toBe(
      'https://status.invalid/',
    );
  });
});

describe('the target policy', () => {
  const names: Record<string, string[]> = {
    'intranet.example': ['10.0.0.5'],
    'loopback.example': ['127.0.0.1', '::1'],
    'public.example': ['93.184.216.34'],
    'mixed.example': ['10.0.0.5', '93.184.216.34'],
  };
  const resolve = async (name: string) => {
    const found = names[name];
    if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return found;
  };

  it('refuses a name that resolves only to refused addresses; saves public, mixed and unresolvable ones', async () => {
    const policy = targetPolicy({ allowPrivate: false, resolve });
    expect(await policy.refusal('https://intranet.example/hook')).toMatch(
      /intranet\.example resolves only to .*10\.0\.0\.5/,
    );
    expect(await policy.refusal('https://loopback.example/hook')).toMatch(/127\.0\.0\.1, ::1/);
    for (const ok of ['https://public.example/', 'https://mixed.example/', 'https://nowhere.example/'])
      expect(await policy.refusal(ok), ok).toBeUndefined();
  });

  it('lets everything through with SABA_ALLOW_PRIVATE_TARGETS=1', async () => {
    const policy = targetPolicy({ allowPrivate: true, resolve });
    for (const [host] of REFUSED) expect(await policy.refusal(`http://${host}/`)).toBeUndefined();
    expect(await policy.refusal('https://intranet.example/')).toBeUndefined();
  });
});
