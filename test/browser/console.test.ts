import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/** Screenshots are artifacts of the run, not committed. */
const ARTIFACTS = 'test-artifacts/console';

const NAMES = [
  'loadavg1',
  'loadavg5',
  'loadavg15',
  'cpu.user.percentage',
  'cpu.idle.percentage',
  'memory.used',
];

describe('the console in a real browser (headless Chromium from npm)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const hosts: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    const call = clientFor(server, server.key);
    // Three agents of shop:web, posting the last 30 minutes the way mackerel-agent does.
    for (const name of ['web-1', 'web-2', 'web-3']) {
      const res = await call('POST', '/api/v0/hosts', { name, meta: {}, roleFullnames: ['shop:web'] });
      hosts.push((res.json as { id: string }).id);
    }
    const now = Math.floor(Date.now() / 1000);
    for (let m = 30; m >= 1; m--) {
      const time = now - m * 60;
      await call(
        'POST',
        '/api/v0/tsdb',
        hosts.flatMap((hostId, i) =>
          NAMES.map((name) => ({
            hostId,
            name,
            time,
            value: name === 'memory.used' ? 2e9 : 0.2 + i * 0.5 + m / 100,
          })),
        ),
      );
    }
    await call('POST', '/api/v0/graph-annotations', {
      service: 'shop',
      title: 'deploy 4f2a9c1',
      description: 'git 4f2a9c1',
      from: now - 600,
      to: now - 540,
    });
    // An open alert: a host monitor the third host breaches on its next post.
    await call('POST', '/api/v0/monitors', {
      type: 'host',
      name: 'load high',
      metric: 'loadavg5',
      operator: '>',
      warning: 0.9,
      critical: 1.0,
      duration: 1,
      maxCheckAttempts: 1,
    });
    // The ingest side sees a new monitor within its 2 s cache (local mode).
    await new Promise((r) => setTimeout(r, 2100));
    await call('POST', '/api/v0/tsdb', [{ hostId: hosts[2], name: 'loadavg5', time: now, value: 1.5 }]);

    await call('POST', '/api/v0/dashboards', {
      title: 'Shop overview',
      urlPath: 'shop/overview',
      memo: '',
      widgets: [
        {
          type: 'markdown',
          title: 'notes',
          markdown:
            '# Runbook\n\n<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2">\n\n- [evil](javascript:window.__pwned=3)\n- [docs](https://mackerel.io/)',
          layout: { x: 0, y: 0, width: 24, height: 4 },
        },
        {
          type: 'graph',
          title: 'web load',
          graph: { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
          layout: { x: 0, y: 4, width: 12, height: 7 },
        },
        {
          type: 'value',
          title: 'web-3 load',
          metric: { type: 'host', hostId: hosts[2], name: 'loadavg5' },
          fractionSize: 2,
          suffix: 'procs',
          layout: { x: 12, y: 4, width: 6, height: 4 },
        },
        {
          type: 'alertStatus',
          title: 'web',
          roleFullname: 'shop:web',
          layout: { x: 18, y: 4, width: 6, height: 3 },
        },
        {
          type: 'graph',
          title: 'web load, averaged',
          graph: { type: 'expression', expression: 'avg(role(shop:web, loadavg5))' },
          layout: { x: 12, y: 8, width: 12, height: 7 },
        },
      ],
    });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

  it('refuses a wrong key with a sign-in error, not a blank page', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill('not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    expect(await page.getByLabel('API key').isVisible()).toBe(true);
    await shot('sign-in-refused');
  });

  it('signs in with the key, which stays in session storage and never in the URL', async () => {
    await page.getByLabel('API key').fill(server.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Services' }).waitFor();
    expect(page.url()).not.toContain(server.key);
    expect(await page.evaluate(() => sessionStorage.getItem('saba.apiKey'))).toBe(server.key);
    expect(await page.getByRole('link', { name: 'web' }).count()).toBe(1);
  });

  it('draws one series per host of a role in one graph, with the deploy annotation on it', async () => {
    await page.getByRole('link', { name: 'web' }).click();
    const graph = page.locator('.graph[data-series]').first();
    await graph.waitFor();
    expect(await graph.getAttribute('data-series')).toBe('3');
    expect(await graph.getAttribute('data-annotations')).toBe('1');
    // The legend names every host.
    for (const name of ['web-1', 'web-2', 'web-3'])
      expect(await graph.locator('.u-legend').textContent()).toContain(name);
    expect(await graph.locator('.annotations').textContent()).toContain('deploy 4f2a9c1');
    expect(await graph.locator('canvas').count()).toBe(1);
    await shot('role');
  });

  it('shows a host’s graphs by metric group, its open alert, and the annotation', async () => {
    await page.goto(`${server.url}/#/hosts/${hosts[2]}`);
    const load = page.locator('.graph', { has: page.getByRole('heading', { name: 'loadavg', exact: true }) });
    await load.waitFor();
    expect(await load.getAttribute('data-series')).toBe('3');
    expect(await load.getAttribute('data-annotations')).toBe('1');
    expect(
      await page
        .locator('.graph', { has: page.getByRole('heading', { name: 'cpu', exact: true }) })
        .getAttribute('data-series'),
    ).toBe('2');
    expect(await page.locator('[data-open-alerts]').textContent()).toContain('CRITICAL');
    await shot('host');
  });

  it('lists the open alert newest first, linked to its host', async () => {
    await page.goto(`${server.url}/#/alerts`);
    const row = page.locator('tr[data-status="open"]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('load high');
    await row.getByRole('link', { name: hosts[2] as string }).click();
    await page.locator('[data-open-alerts]').waitFor();
    expect(page.url()).toContain(`#/hosts/${hosts[2]}`);
  });

  it('renders a dashboard: a role graph, a value, the role’s alerts, and markdown without script injection', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/#/dashboards`);
    await page.getByRole('link', { name: 'Shop overview' }).click();
    const graph = page.locator('.widget-graph .graph[data-series]', { hasText: 'web load' }).first();
    await graph.waitFor();
    expect(await graph.getAttribute('data-series')).toBe('3');
    const averaged = page.locator('.widget-graph .graph[data-series]', { hasText: 'web load, averaged' });
    expect(await averaged.getAttribute('data-series')).toBe('1');
    expect(await page.locator('.widget-value [data-value]').getAttribute('data-value')).toBe('1.5');
    expect(await page.locator('.widget-value').textContent()).toContain('1.50 procs');
    expect(await page.locator('.widget-alertStatus').textContent()).toContain('CRITICAL 1');
    const md = page.locator('.widget-markdown');
    expect(await md.getByRole('heading', { name: 'Runbook' }).count()).toBe(1);
    expect(await md.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await md.locator('script, img').count()).toBe(0);
    expect(await md.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await md.getByRole('link', { name: 'docs' }).getAttribute('href')).toBe('https://mackerel.io/');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(dialogs).toEqual([]);
    await shot('dashboard');
  });

  it('makes an embed link that opens without a key, in a browser that never signed in', async () => {
    await page.goto(`${server.url}/#/services/shop/roles/web`);
    await page.getByRole('button', { name: 'Embed' }).click();
    const link = page.getByRole('link', { name: 'embed link (30 days)' });
    await link.waitFor();
    const url = (await link.getAttribute('href')) as string;
    expect(url).not.toContain(server.key);
    const stranger = await browser.newContext();
    try {
      const other = await stranger.newPage();
      const res = await other.goto(url);
      expect(res?.status()).toBe(200);
      expect(await other.locator('svg polyline.series').count()).toBe(3);
      await other.screenshot({ path: `${ARTIFACTS}/embed.png` });
      const forged = await other.goto(`${url.slice(0, -3)}abc`);
      expect(forged?.status()).toBe(403);
    } finally {
      await stranger.close();
    }
  });

  it('sends the key as a header, never as a query parameter', async () => {
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${server.url}/#/services/shop`);
    await page.locator('.graph[data-series]').first().waitFor();
    expect(urls.some((u) => u.includes('/api/v0/'))).toBe(true);
    for (const u of urls) expect(u).not.toContain(server.key);
  });
});
