import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { cloudWatchSink } from '#shared/adapters/cloudwatch/metric-sink.ts';
import type { ForwardJob } from '#shared/adapters/sqs/forward-queue.ts';
import { loadForwardConfig } from '#shared/config.ts';
import { deliverForwarded } from '#shared/use-cases/forwarding/deliver-forwarded.ts';

const config = loadForwardConfig();
if (!config) throw new Error('The forwarder needs the forward queue and rules in its environment');
const sink = cloudWatchSink();

/** SQS batch of forwarded points to CloudWatch; a failed PutMetricData fails only its messages. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const messages = event.Records.map((r) => ({
    id: r.messageId,
    points: (JSON.parse(r.body) as ForwardJob).p,
  }));
  const { failed, sent, calls } = await deliverForwarded(sink, config.rules.namespace, messages);
  console.log(
    JSON.stringify({
      msg: 'forwarded',
      messages: messages.length,
      points: sent,
      calls,
      failed: failed.length,
    }),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
