import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/** Screenshots are artifacts of the run, not committed. */
const ARTIFACTS = 'test-artifacts/console';

/** What mackerel-agent sends as `meta` on Linux (abridged). */
const AGENT_META = {
  'agent-version': '0.84.0',
  'agent-name': 'mackerel-agent/0.84.0 (Revision abc1234)',
  cpu: [
    { model_name: 'AMD EPYC 7R13 Processor', cores: '1' },
    { model_name: 'AMD EPYC 7R13 Processor', cores: '1' },
  ],
  memory: { total: '8167508kB', free: '1000000kB' },
  kernel: {
    name: 'Linux',
    release: '6.8.0-1015-aws',
    os: 'GNU/Linux',
    platform_name: 'Ubuntu',
    platform_version: '24.04',
  },
};

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
    // Three agents of shop:web, posting the last 30 minutes the way mackerel-agent does; registered
    // out of name order, the third with the meta and interfaces the agent sends.
    for (const name of ['web-2', 'web-1', 'web-3']) {
      const res = await call('POST', '/api/v0/hosts', {
        name,
        meta: name === 'web-3' ? AGENT_META : {},
        interfaces:
          name === 'web-3'
            ? [{ name: 'eth0', ipv4Addresses: ['10.0.1.23'], macAddress: '02:00:00:00:00:01' }]
            : [],
        roleFullnames: ['shop:web'],
      });
      hosts.push((res.json as { id: string }).id);
    }
    await call('POST', `/api/v0/hosts/${hosts[0]}/status`, { status: 'standby' });
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
    // A webhook nobody listens at: the alert's delivery to it fails (connection refused).
    await call('POST', '/api/v0/channels', {
      type: 'webhook',
      name: 'dead-hook',
      url: 'http://127.0.0.1:9/hook',
      addToDefaultNotificationGroup: true,
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
    // The web role's alerts gather in one alert group.
    await call('POST', '/api/v0/alert-group-settings', { name: 'web fleet', roleScopes: ['shop:web'] });
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

    // Labeled metrics: a counter per route, 30 minutes of it, growing 60·k a minute (k per second).
    const routes = ['/a', '/b', '/c'];
    const dataPoints = routes.flatMap((route, k) =>
      Array.from({ length: 31 }, (_, m) => ({
        attributes: [{ key: 'route', value: { stringValue: route } }],
        timeUnixNano: `${now - (30 - m) * 60}000000000`,
        asDouble: 60 * (k + 1) * m,
      })),
    );
    const otlp = await fetch(`${server.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'Mackerel-Api-Key': server.key, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'http.requests',
                    sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(otlp.status).toBe(200);
    await call('POST', '/api/v0/dashboards', {
      title: 'Labeled',
      urlPath: 'labeled',
      memo: '',
      widgets: [
        {
          type: 'graph',
          title: 'requests by route',
          graph: {
            type: 'query',
            query: 'sum by (route) (rate(http.requests[5m]))',
            legend: 'route {{route}}',
          },
          layout: { x: 0, y: 0, width: 12, height: 8 },
        },
        {
          type: 'value',
          title: 'requests per second',
          metric: { type: 'query', query: 'sum(rate(http.requests[5m]))' },
          fractionSize: 1,
          layout: { x: 12, y: 0, width: 6, height: 4 },
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
    expect(await page.locator('header .org').textContent()).toBe('default');
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
    // Every graph of the role at once, each with every host.
    for (const group of ['loadavg', 'cpu', 'memory']) {
      const g = page.locator('.graph[data-series]', {
        has: page.getByRole('heading', { name: new RegExp(`^${group} — `) }),
      });
      expect(await g.getAttribute('data-series'), group).toBe('3');
    }
    // Hosts sorted by name, web-3 marked with its open alert; then by status.
    const rows = page.locator('table.hosts tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-host')))).toEqual([
      'web-1',
      'web-2',
      'web-3',
    ]);
    expect(await page.locator('tr[data-host="web-3"]').getAttribute('data-alert-count')).toBe('1');
    expect(await page.locator('tr[data-host="web-3"]').textContent()).toContain('1 open alert');
    await page.getByRole('button', { name: 'status' }).click();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-host')))).toEqual([
      'web-1',
      'web-3',
      'web-2',
    ]);
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
    const fact = (name: string) => page.locator(`[data-fact="${name}"]`).textContent();
    expect(await fact('IP addresses')).toBe('10.0.1.23 (eth0)');
    expect(await fact('CPU')).toBe('2 × AMD EPYC 7R13 Processor');
    expect(await fact('Memory')).toBe('7.8 GiB');
    expect(await fact('OS')).toBe('Ubuntu 24.04');
    expect(await fact('Kernel')).toBe('Linux 6.8.0-1015-aws');
    expect(await fact('Agent')).toBe('0.84.0');
    expect(await fact('Created')).toMatch(/\d/);
    await shot('host');
  });

  it('lists the open alert newest first with its value, linked to its host by name', async () => {
    await page.goto(`${server.url}/#/alerts`);
    const row = page.locator('tr[data-status="open"]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('load high');
    expect(await row.locator('td.number').textContent()).toBe('1.50');
    expect(await row.textContent()).not.toContain(hosts[2] as string);
    // The failed delivery to the dead webhook is told where alerts are read.
    expect(await page.locator('[data-failing-channels]').textContent()).toMatch(/dead-hook: .*ECONNREFUSED/);
    await row.getByRole('link', { name: 'web-3' }).click();
    await page.locator('[data-open-alerts]').waitFor();
    expect(page.url()).toContain(`#/hosts/${hosts[2]}`);
  });

  it('lists the open alert group above the alerts, and opens it with its alert', async () => {
    await page.goto(`${server.url}/#/alerts`);
    const group = page.locator('tr[data-group-status="open"]');
    await group.waitFor();
    expect(await group.count()).toBe(1);
    expect(await group.textContent()).toContain('web fleet');
    expect(await group.textContent()).toContain('1 open of 1');
    await group.getByRole('link', { name: 'web fleet' }).click();
    const alert = page.locator('section[data-alert-group] tr[data-status="open"]');
    await alert.waitFor();
    expect(page.url()).toMatch(/#\/alert-groups\/\w+$/);
    expect(await page.locator('h1').textContent()).toContain('CRITICAL');
    expect(await alert.textContent()).toContain('load high');
    expect(await alert.textContent()).toContain('web-3');
    await shot('alert-group');
  });

  it('draws a query graph and a query value from labeled metrics, legends from the template', async () => {
    await page.goto(`${server.url}/#/dashboards`);
    await page.getByRole('link', { name: 'Labeled' }).click();
    const graph = page.locator('.widget-graph .graph[data-series]', { hasText: 'requests by route' });
    await graph.waitFor();
    expect(await graph.getAttribute('data-series')).toBe('3');
    for (const route of ['/a', '/b', '/c'])
      expect(await graph.locator('.u-legend').textContent()).toContain(`route ${route}`);
    expect(await graph.locator('canvas').count()).toBe(1);
    // 1 + 2 + 3 per second.
    expect(Number(await page.locator('.widget-value [data-value]').getAttribute('data-value'))).toBe(6);
    await shot('query-graph');
  });

  it('composes a query in the editor: metric names to pick, label values to filter by', async () => {
    await page.goto(`${server.url}/#/query`);
    await page.getByLabel('metric').selectOption('http.requests');
    const labels = page.locator('dl[data-labels="http.requests"]');
    await labels.waitFor();
    expect(await labels.textContent()).toContain('route');
    await labels.getByRole('button', { name: '/b' }).click();
    // The page redraws for the new query: wait for the section that carries it.
    const section = page.locator('section[data-query]', { has: page.locator('.graph[data-series="1"]') });
    await section.waitFor();
    expect(await section.getAttribute('data-query')).toBe('http.requests{"route"="/b"}');
    expect(await section.locator('.u-legend').textContent()).toContain('/b');
    await shot('query-editor');
  });

  it('shows each channel’s last delivery on the monitors page, and resumes a suspended channel', async () => {
    const deps = server.runtime.deps;
    const dead = (await deps.entities.channels.list('default')).find((c) => c.name === 'dead-hook');
    const status = await deps.entities.channelStatuses.get('default', dead?.id as string);
    await deps.entities.channelStatuses.put('default', {
      ...(status as NonNullable<typeof status>),
      failuresInARow: 10,
      suspendedAt: Math.floor(Date.now() / 1000),
    });
    await page.goto(`${server.url}/#/monitors`);
    const row = page.locator('tr[data-channel="dead-hook"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/ECONNREFUSED/);
    expect(await row.textContent()).toContain('suspended since');
    await shot('channels');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(async () => page.locator('tr[data-channel="dead-hook"]').textContent())
      .not.toContain('suspended');
    expect((await deps.entities.channelStatuses.get('default', dead?.id as string)) ?? null).toBeNull();
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
    expect(await page.locator('.widget-alertStatus').getByRole('link', { name: 'web-3' }).count()).toBe(1);
    expect(await page.locator('.widget-alertStatus').textContent()).not.toContain(hosts[2] as string);
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
    await page.getByRole('button', { name: 'Embed' }).first().click();
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
  it('opens an alert on its own page: graph with thresholds, value, log, and Close with a reason', async () => {
    await page.goto(`${server.url}/#/alerts`);
    await page.locator('tr[data-status="open"]').first().getByRole('link', { name: 'CRITICAL' }).click();
    const graph = page.locator('section[data-alert] .graph[data-series]');
    await graph.waitFor();
    expect(await graph.getAttribute('data-series')).toBe('1');
    expect(await graph.getAttribute('data-lines')).toBe('2'); // warning and critical
    const facts = await page.locator('dl.facts').textContent();
    expect(facts).toContain('web-3');
    expect(facts).toContain('1.50');
    expect(facts).toContain('critical > 1');
    expect(await page.locator('table.alert-log tbody tr').count()).toBeGreaterThanOrEqual(1);
    await shot('alert');
    await page.getByLabel('reason').fill('restarted the worker');
    await page.getByRole('button', { name: 'Close alert' }).click();
    await page.getByRole('heading', { name: /\(closed\)/ }).waitFor();
    expect(await page.locator('dl.facts').textContent()).toContain('restarted the worker');
  });
  it('marks the host anomaly detection finds odd on the role page, and shows what drove its alert', async () => {
    const call = clientFor(server, server.key);
    const created = await call('POST', '/api/v0/monitors', {
      type: 'anomalyDetection',
      name: 'web anomalies',
      scopes: ['shop: web'],
      warningSensitivity: 'normal',
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    await new Promise((r) => setTimeout(r, 2100)); // the ingest side's monitor cache
    // Three minutes of the agent's standard metrics; web-1's network has stopped. The role is new,
    // so each host is judged against its peers only.
    const now = Math.floor(Date.now() / 1000);
    for (const time of [now - 150, now - 90, now - 30]) {
      await call(
        'POST',
        '/api/v0/tsdb',
        hosts.flatMap((hostId, i) =>
          Object.entries({
            loadavg5: 0.6 + i / 20,
            'cpu.user.percentage': 20 + i,
            'cpu.idle.percentage': 80 - i,
            'memory.used': 2e9 + i * 1e7,
            'memory.total': 8e9,
            'interface.eth0.rxBytes.delta': i === 1 ? 0 : 4e5 + i * 1e4,
            'interface.eth0.txBytes.delta': i === 1 ? 0 : 2e6 + i * 1e4,
          }).map(([name, value]) => ({ hostId, name, time, value })),
        ),
      );
      await server.runtime.monitoring.check();
    }
    await page.goto(`${server.url}/#/services/shop/roles/web`);
    const odd = page.locator('[data-odd-host="web-1"]');
    await odd.waitFor();
    expect(await odd.textContent()).toMatch(/network received 0 B\/s \(expected [\d.]+ kB\/s\)/);
    expect(await odd.textContent()).toContain('judged against its peers only');
    expect(await page.locator('[data-anomalies]').getAttribute('data-anomalies')).toBe('1');
    expect(await page.locator('tr[data-host="web-1"]').textContent()).toMatch(/odd \(\d+\.\d\)/);
    expect(await page.locator('tr[data-host="web-2"]').textContent()).not.toContain('odd');
    await shot('role-anomalies');

    const { alerts } = (await call('GET', '/api/v0/alerts')).json as {
      alerts: { id: string; type: string; hostId?: string }[];
    };
    const alert = alerts.find((a) => a.type === 'anomalyDetection');
    expect(alert?.hostId).toBe(hosts[1]);
    await page.goto(`${server.url}/#/alerts/${alert?.id}`);
    const drivers = page.locator('ul.drivers li');
    await drivers.first().waitFor();
    expect(await drivers.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^network (received|sent) 0 B\/s \(expected/)]),
    );
    // The monitor was made a moment ago: no training has run yet.
    expect(await drivers.last().textContent()).toBe('no model trained yet: judged against role peers only');
    await shot('anomaly-alert');
  });
});
