import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import type { NotificationJob } from '#shared/domain/monitoring/notification.ts';
import { createNotifierHandler } from '#shared/handlers/notifier.ts';
import { createChannel } from '#shared/use-cases/notifications/channels.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { type Received, startBlackHole, startReceiver } from '../support/http-receiver.ts';
import { recordingLogger } from '../support/logger.ts';
import {
  addHost,
  agentPost,
  check,
  groupWebhook,
  type MonitoringDeps,
  monitoringWorld,
  RecordingEmail,
} from '../support/monitoring.ts';
import { lambdaContext, sqsEventOf } from '../support/sqs.ts';

const T0 = 1_800_000_000;

describe('the notifier on AWS: channels isolated, no batch outliving the function', () => {
  let dynamo: TestDynamo;
  let deps: MonitoringDeps;
  let dead: Awaited<ReturnType<typeof startBlackHole>>;
  let good: Awaited<ReturnType<typeof startReceiver>>;
  const arrivals: { at: number; r: Received }[] = [];
  let jobs: NotificationJob[];
  let goodChannel: string;
  /** One handler for the whole file, as one warm Lambda container keeps it. */
  let handler: ReturnType<typeof createNotifierHandler>;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await monitoringWorld(dynamo, T0);
    dead = await startBlackHole();
    good = await startReceiver((r) => {
      arrivals.push({ at: Date.now(), r });
      return {};
    });
    for (let i = 0; i < 10; i++)
      await createChannel(deps, 'acme', groupWebhook(`dead-${i}`, `${dead.url}/dead-${i}`));
    goodChannel = (await createChannel(deps, 'acme', groupWebhook('good', `${good.url}/good`))).id;
    const host = await addHost(deps, 'web-1');
    await agentPost(deps, host);
    deps.clock.at(T0 + 200);
    await check(deps);
    jobs = deps.notifications.jobs;
    handler = createNotifierHandler(
      deps,
      { email: new RecordingEmail(), http: outboundHttp({ allowPrivate: true }) },
      recordingLogger().logger,
    );
  });
  afterAll(async () => {
    await dead.stop();
    await good.stop();
    await dynamo.stop();
  });

  const body = (job: NotificationJob) => JSON.stringify(job);

  it('delivers the good channel within 2 s beside nine dead ones, and hands back only the dead', async () => {
    const deadJobs = jobs.filter((j) => j.channelId !== goodChannel && j.channelId !== 'default-channel');
    const goodJob = jobs.find((j) => j.channelId === goodChannel) as NotificationJob;
    expect(deadJobs).toHaveLength(10);
    const batch = [...deadJobs.slice(0, 9), goodJob].map((j, i) => ({ messageId: `m${i}`, body: body(j) }));
    const started = Date.now();
    const answer = await handler(sqsEventOf(batch), lambdaContext(30_000));
    const took = Date.now() - started;

    expect(arrivals).toHaveLength(1);
    expect((arrivals[0]?.at ?? Infinity) - started).toBeLessThan(2000);
    // The nine dead deliveries timed out together, within one deadline, well inside the 30 s function.
    expect(took).toBeLessThan(20_000);
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'].sort(),
    );
    expect(dead.connections()).toBe(9);
  });

  it('with 12 s left, starts no delivery and hands the whole batch back at once', async () => {
    const before = dead.connections();
    const goodJob = jobs.find((j) => j.channelId === goodChannel) as NotificationJob;
    const batch = [{ messageId: 'late', body: body({ ...goodJob, eventId: 'another-event' }) }];
    const started = Date.now();
    const answer = await handler(sqsEventOf(batch), lambdaContext(12_000));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'late' }]);
    expect(arrivals).toHaveLength(1);
    expect(dead.connections()).toBe(before);
  });

  it('a malformed message fails alone; a dead channel that timed out is backed off, not waited on again', async () => {
    const deadJob = jobs.find((j) => j.channelId !== goodChannel && j.channelId !== 'default-channel');
    const goodJob = jobs.find((j) => j.channelId === goodChannel) as NotificationJob;
    const answerOf = async () =>
      handler(
        sqsEventOf([
          { messageId: 'not-json', body: '{"orgId":' },
          { messageId: 'wrong-shape', body: JSON.stringify({ orgId: 'acme', eventId: 1 }) },
          { messageId: 'fresh', body: body({ ...goodJob, eventId: 'third-event' }) },
          { messageId: 'dead', body: body(deadJob as NotificationJob) },
        ]),
        lambdaContext(30_000),
      );
    const before = dead.connections();
    const started = Date.now();
    const answer = await answerOf();
    expect(Date.now() - started).toBeLessThan(2000); // the dead channel is backed off: no 10 s wait
    expect(dead.connections()).toBe(before);
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'dead',
      'not-json',
      'wrong-shape',
    ]);
    expect(arrivals.map((a) => JSON.parse(a.r.body).alert.id)).toHaveLength(2);
  });
});
