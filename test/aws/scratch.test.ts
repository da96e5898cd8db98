import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { Harness } from '../support/deployed/harness.ts';

it('debug', async () => {
  const h = await Harness.deploy({ senderEmail: 'alerts@acme.example' });
  try {
    const sqs = new SQSClient({
      endpoint: h.motoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'operator', secretAccessKey: 'x' },
    });
    const queue = h.physical('AWS::SQS::Queue', 'MonitoringNotifications');
    console.log('queue', queue.ref);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.ref, MessageBody: JSON.stringify({ not: 'a delivery' }) }),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const m = h.mapping('MonitoringNotifier');
    console.log(JSON.stringify(m.outcomes), m.errors.map(String));
    console.log(h.fn('MonitoringNotifier').logs.slice(-5));
    console.log(await m.expireVisibility());
    await new Promise((r) => setTimeout(r, 2000));
    console.log(JSON.stringify(m.outcomes.map((o) => [o.records, o.failed])), m.errors.map(String));
    console.log(
      h.recorder.calls
        .filter((c) => c.action.startsWith('sqs'))
        .map((c) => `${c.principal} ${c.action} ${c.status}`)
        .slice(-10),
    );
  } finally {
    await h.stop();
  }
}, 300_000);
