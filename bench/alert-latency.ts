/**
 * `npm run bench:alert-latency`: silence → alert → notification in local mode at the default
 * settings (checker every 60 s, connectivity timeout 150 s). Six agents post every minute, then stop
 * one after another 10 s apart (so they meet the checker at different phases); for each, the time
 * from its last post to the open alert, to its `.eml` in the outbox, and to the webhook call.
 * Takes about six minutes. SABA_ALLOW_PRIVATE_TARGETS=1 only lets the webhook reach this script.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { api, percentile, saveResult, startSaba } from './support.ts';

const AGENTS = 6;
const POSTS_EACH = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hooks: { at: number; hostId: string; status: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const p = JSON.parse(body);
    hooks.push({ at: Date.now(), hostId: p.host?.id, status: p.alert?.status });
    res.end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const saba = await startSaba(undefined, { SABA_ALLOW_PRIVATE_TARGETS: '1' });
try {
  await api(saba.url, 'POST', '/api/v0/invitations', { email: 'oncall@example.com', authority: 'manager' });
  await api(saba.url, 'POST', '/api/v0/channels', {
    type: 'webhook',
    name: 'bench',
    url: hookUrl,
    addToDefaultNotificationGroup: true,
  });
  const hosts: string[] = [];
  for (let i = 0; i < AGENTS; i++)
    hosts.push((await api(saba.url, 'POST', '/api/v0/hosts', { name: `agent-${i}`, meta: {} })).id as string);

  const lastPost = new Map<string, number>();
  const agent = async (hostId: string, offsetMs: number) => {
    await sleep(offsetMs);
    for (let n = 0; n < POSTS_EACH; n++) {
      await api(saba.url, 'POST', '/api/v0/tsdb', [
        { hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000), value: 1 },
      ]);
      lastPost.set(hostId, Date.now());
      if (n < POSTS_EACH - 1) await sleep(60_000);
    }
  };
  console.log(`${AGENTS} agents post every minute ${POSTS_EACH} times, then stop 10 s apart…`);
  await Promise.all(hosts.map((h, i) => agent(h, i * 10_000)));

  const opened = new Map<string, number>();
  const deadline = Date.now() + 8 * 60_000;
  while ((opened.size < AGENTS || hooks.length < AGENTS) && Date.now() < deadline) {
    const alerts = (await api(saba.url, 'GET', '/api/v0/alerts')).alerts as {
      hostId: string;
      openedAt: number;
    }[];
    for (const a of alerts) if (!opened.has(a.hostId)) opened.set(a.hostId, a.openedAt * 1000);
    await sleep(1000);
  }
  await sleep(2000);
  const outbox = join(saba.dataDir, 'outbox');
  const emails = readdirSync(outbox)
    .map((f) => statSync(join(outbox, f)).mtimeMs)
    .sort((a, b) => a - b);
  const rows = hosts.map((h) => {
    const last = lastPost.get(h) ?? Number.NaN;
    const hook = hooks.find((x) => x.hostId === h)?.at ?? Number.NaN;
    return {
      host: h,
      alert_s: +(((opened.get(h) ?? Number.NaN) - last) / 1000).toFixed(1),
      webhook_s: +((hook - last) / 1000).toFixed(1),
    };
  });
  const emailLatencies = emails.map((t, i) => {
    const lastPosts = [...lastPost.values()].sort((a, b) => a - b);
    return +((t - (lastPosts[i] ?? Number.NaN)) / 1000).toFixed(1);
  });
  const webhook = rows.map((r) => r.webhook_s).sort((a, b) => a - b);
  const result = {
    settings: { checkIntervalSeconds: 60, connectivityTimeoutSeconds: 150 },
    agents: rows,
    emails: { count: emails.length, latencies_s: emailLatencies },
    webhooks: hooks.length,
    webhook_latency_s: { min: webhook[0], p50: percentile(webhook, 0.5), max: webhook[webhook.length - 1] },
    target_s: 240,
  };
  console.log(JSON.stringify(result, null, 2));
  saveResult('alert-latency', result);
} finally {
  await saba.stop();
  receiver.close();
  rmSync(saba.dataDir, { recursive: true, force: true });
}
