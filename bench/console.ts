/**
 * The console's speed in Debian's Chromium (headless), against `npm start` with the data really
 * there (20 hosts of bench:web, 30 days of 1-minute points for 10 metrics, as bench:reads seeds):
 * - a role page (20 hosts, 1 day): from navigation to its graph painted;
 * - a host page (30 days): from navigation to every graph painted;
 * - the API requests each page makes (no request per host when one role read will do);
 * - the console's JavaScript and CSS, gzipped.
 * Targets (issue 9): role page < 300 ms, 30-day host page < 500 ms, JavaScript < 100 KB gzipped.
 */
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildConsole } from '../console/build.ts';
import { launchChromium } from '../test/support/browser.ts';
import { BENCH_KEY, percentile, saveResult, seededRole, startSaba } from './support.ts';

const NAMES = [
  'loadavg1',
  'loadavg5',
  'loadavg15',
  'cpu.user.percentage',
  'cpu.system.percentage',
  'cpu.idle.percentage',
  'memory.used',
  'memory.total',
  'interface.eth0.rxBytes.delta',
  'filesystem.vda1.used',
];
const RUNS = 15;

const files = await buildConsole();
const bundle = {
  jsBytes: files['app.js']?.length ?? 0,
  jsGzipBytes: gzipSync(files['app.js'] ?? '').length,
  cssGzipBytes: gzipSync(files['app.css'] ?? '').length,
};
console.log(JSON.stringify(bundle));

const { dataDir, ids, seedSeconds } = await seededRole(20, 30, NAMES);
console.log(`seeded in ${seedSeconds.toFixed(1)} s`);
const server = await startSaba(dataDir);
const browser = await launchChromium();

/** The few browser globals the page-side functions use (this file is typed for Node). */
interface BrowserGlobals {
  location: { hash: string };
  document: { querySelector(selector: string): unknown };
  requestAnimationFrame(callback: () => void): number;
}

/** Milliseconds from setting the hash to `ready` holding, then the next frame painted. */
async function pageLoad(page: Page, hash: string, ready: string): Promise<{ ms: number; requests: number }> {
  await page.evaluate(() => {
    (globalThis as unknown as BrowserGlobals).location.hash = '#/blank';
  });
  // The page we measure must be gone first, or its old DOM would count as ready at once.
  await page.waitForFunction(
    (sel) => !(globalThis as unknown as BrowserGlobals).document.querySelector(sel),
    ready,
  );
  await page.waitForTimeout(50);
  let requests = 0;
  const count = (r: { url(): string }) => {
    if (r.url().includes('/api/v0/')) requests++;
  };
  page.on('request', count);
  const ms = await page.evaluate(
    async ({ hash, ready }) => {
      const w = globalThis as unknown as BrowserGlobals;
      const t0 = performance.now();
      w.location.hash = hash;
      await new Promise<void>((resolve) => {
        const check = () => (w.document.querySelector(ready) ? resolve() : w.requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => w.requestAnimationFrame(() => r(undefined)));
      return performance.now() - t0;
    },
    { hash, ready },
  );
  page.off('request', count);
  return { ms, requests };
}

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.url}/`);
  await page.evaluate((key) => sessionStorage.setItem('saba.apiKey', key), BENCH_KEY);
  const measure = async (label: string, range: string, hash: string, ready: string, target: number) => {
    await page.evaluate((r) => sessionStorage.setItem('saba.range', r), range);
    await page.goto(`${server.url}/#/services`);
    await page.getByRole('heading', { name: 'Services' }).waitFor();
    const runs = [];
    for (let i = 0; i < RUNS + 2; i++) runs.push(await pageLoad(page, hash, ready));
    const ms = runs
      .slice(2)
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    const result = {
      page: label,
      p50_ms: +percentile(ms, 0.5).toFixed(0),
      p95_ms: +percentile(ms, 0.95).toFixed(0),
      target_ms: target,
      apiRequests: runs.at(-1)?.requests,
    };
    console.log(JSON.stringify(result));
    return result;
  };
  const results = [
    await measure(
      'role page, 20 hosts × 1 day',
      '1d',
      '#/services/bench/roles/web',
      '.graph[data-series="20"] canvas',
      300,
    ),
    await measure(
      'host page, 30 days',
      '30d',
      `#/hosts/${ids[0]}`,
      '.graphs:not(:has(.graph:not([data-series])))',
      500,
    ),
  ];
  saveResult('console', { bundle, results, runs: RUNS });
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
