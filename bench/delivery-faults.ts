/**
 * `npm run bench:delivery`: notifications under faults, the three figures of docs/monitoring.md.
 * 1. Kills during delivery: `npm start` in its own process, SIGKILLed while a webhook receiver holds
 *    the request, ROUNDS times; per kill, copies of the interrupted delivery (and their ids) and of
 *    the delivery that had completed, and how long after the restart the resend came.
 * 2. A good webhook next to ten never-answering ones, four successive events, locally.
 * 3. The notifier handler (Lambda context with 30 s left): a batch of ten hanging channels, a batch of
 *    nine and a good one, and a batch that arrives with 12 s left: records handed back, time taken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { createNotifierHandler } from '#shared/handlers/notifier.ts';
import { createLogger } from '#shared/logging.ts';
import { createChannel } from '#shared/use-cases/notifications/channels.ts';
import { startTestDynamo } from '../test/support/dynalite.ts';
import { startBlackHole, startReceiver } from '../test/support/http-receiver.ts';
import { clientFor, startTestServer } from '../test/support/local-server.ts';
import {
  addHost,
  agentPost,
  check,
  groupWebhook,
  monitoringWorld,
  RecordingEmail,
} from '../test/support/monitoring.ts';
import { startSabaProcess } from '../test/support/saba-process.ts';
import { lambdaContext, sqsEventOf } from '../test/support/sqs.ts';
import { BENCH_KEY, freePort, saveResult } from './support.ts';

const ROUNDS = Number(process.env.BENCH_KILLS ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (done: () => boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; !done(); await sleep(20))
    if (Date.now() > end) throw new Error('timed out');
};

async function killsDuringDelivery() {
  const dataDir = mkdtempSync(join(tmpdir(), 'saba-bench-kill-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = () =>
    startSabaProcess(port, dataDir, {
      SABA_API_KEY: BENCH_KEY,
      SABA_ALLOW_PRIVATE_TARGETS: '1',
      SABA_CHECK_INTERVAL_SECONDS: '1',
      SABA_CONNECTIVITY_TIMEOUT_SECONDS: '2',
      SABA_LOG_LEVEL: 'error',
    });
  /** The alert-open deliveries (the close events of retired hosts are answered and not counted). */
  const arrivals: { path: string; id: string; at: number }[] = [];
  const held: ServerResponse[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['x-saba-delivery-id']);
      if (JSON.parse(Buffer.concat(chunks).toString()).alert?.status !== 'critical') {
        res.end('{}');
        return;
      }
      const first = !arrivals.some((a) => a.id === id);
      arrivals.push({ path: req.url ?? '', id, at: Date.now() });
      if (req.url === '/slow' && first)
        held.push(res); // held until the kill
      else res.end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  let proc = await start();
  const call = clientFor({ url }, BENCH_KEY);
  for (const name of ['slow', 'fast'])
    await call('POST', '/api/v0/channels', {
      type: 'webhook',
      name,
      url: `${hooks}/${name}`,
      addToDefaultNotificationGroup: true,
    });
  const rounds: { interruptedCopies: number; sameId: boolean; completedCopies: number; resendMs: number }[] =
    [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const seen = arrivals.length;
      const hostId = (await call('POST', '/api/v0/hosts', { name: `h${round}`, meta: {} })).json.id as string;
      await call('POST', '/api/v0/tsdb', [
        { hostId, name: 'x', time: Math.floor(Date.now() / 1000), value: 1 },
      ]);
      const mine = () => arrivals.slice(seen);
      await until(() => ['/slow', '/fast'].every((p) => mine().some((a) => a.path === p)));
      await sleep(300);
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      proc = await start();
      const ready = Date.now();
      await until(() => mine().filter((a) => a.path === '/slow').length >= 2);
      await sleep(2000);
      const slow = mine().filter((a) => a.path === '/slow');
      rounds.push({
        interruptedCopies: slow.length,
        sameId: new Set(slow.map((a) => a.id)).size === 1,
        completedCopies: mine().filter((a) => a.path === '/fast').length,
        resendMs: (slow[1]?.at ?? Number.NaN) - ready,
      });
      // The next round's host must not be this one's silence: retire it.
      await call('POST', `/api/v0/hosts/${hostId}/retire`, {});
    }
  } finally {
    proc.kill('SIGKILL');
    for (const res of held) res.destroy();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    kills: rounds.length,
    interruptedDeliveriesResent: rounds.filter((r) => r.interruptedCopies === 2).length,
    resentWithTheSameId: rounds.filter((r) => r.sameId).length,
    completedDeliveriesSentTwice: rounds.filter((r) => r.completedCopies > 1).length,
    resendMsAfterRestartMedian: rounds.map((r) => r.resendMs).sort((a, b) => a - b)[
      Math.floor(rounds.length / 2)
    ],
  };
}

async function goodNextToDead() {
  const server = await startTestServer({ env: { SABA_CONNECTIVITY_TIMEOUT_SECONDS: '1' } });
  const dead = await startBlackHole();
  const arrivals: number[] = [];
  const good = await startReceiver(() => {
    arrivals.push(Date.now());
    return {};
  });
  try {
    const call = clientFor(server, server.key);
    for (let i = 0; i < 10; i++)
      await call('POST', '/api/v0/channels', groupWebhook(`dead-${i}`, `${dead.url}/${i}`));
    await call('POST', '/api/v0/channels', groupWebhook('good', `${good.url}/good`));
    const hostId = (await call('POST', '/api/v0/hosts', { name: 'flappy', meta: {} })).json.id as string;
    const delays: number[] = [];
    for (const kind of ['open', 'close', 'open', 'close']) {
      if (kind === 'open') await sleep(2100);
      else
        await call('POST', '/api/v0/tsdb', [
          { hostId, name: 'x', time: Math.floor(Date.now() / 1000), value: 1 },
        ]);
      const before = arrivals.length;
      const event = Date.now();
      await server.runtime.monitoring.check();
      await until(() => arrivals.length > before, 15_000);
      delays.push((arrivals[before] as number) - event);
    }
    return { deadChannels: 10, goodDelayMsPerEvent: delays };
  } finally {
    await server.destroy();
    await dead.stop();
    await good.stop();
  }
}

async function notifierBatches() {
  const dynamo = await startTestDynamo();
  const deps = await monitoringWorld(dynamo, 1_800_000_000);
  const dead = await startBlackHole();
  let goodAt = 0;
  const good = await startReceiver(() => {
    goodAt = Date.now();
    return {};
  });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await createChannel(deps, 'acme', groupWebhook(`dead-${i}`, `${dead.url}/${i}`))).id);
    const goodId = (await createChannel(deps, 'acme', groupWebhook('good', `${good.url}/good`))).id;
    await agentPost(deps, await addHost(deps, 'web-1'));
    deps.clock.at(1_800_000_200);
    await check(deps);
    const jobOf = (channel: string) => deps.notifications.jobs.find((j) => j.channelId === channel);
    const handler = createNotifierHandler(
      deps,
      { email: new RecordingEmail(), http: outboundHttp({ allowPrivate: true }) },
      createLogger({ level: 'error', format: 'text' }),
    );
    const run = async (channels: string[], remainingMs: number) => {
      const started = Date.now();
      const answer = await handler(
        sqsEventOf(channels.map((c, i) => ({ messageId: `m${i}`, body: JSON.stringify(jobOf(c)) }))),
        lambdaContext(remainingMs),
      );
      return {
        records: channels.length,
        handedBack: answer.batchItemFailures.length,
        ms: Date.now() - started,
      };
    };
    const tenHanging = await run(ids.slice(0, 10), 30_000);
    const started = Date.now();
    const nineAndGood = await run([...ids.slice(10, 19), goodId], 30_000);
    const late = await run([ids[19] as string], 12_000);
    return {
      tenHanging,
      nineHangingAndGood: { ...nineAndGood, goodDelayMs: goodAt - started },
      with12sLeft: late,
    };
  } finally {
    await dead.stop();
    await good.stop();
    await dynamo.stop();
  }
}

const result = {
  killsDuringDelivery: await killsDuringDelivery(),
  goodNextToTenDead: await goodNextToDead(),
  notifier: await notifierBatches(),
};
console.log(JSON.stringify(result, null, 2));
saveResult('delivery-faults', result);
