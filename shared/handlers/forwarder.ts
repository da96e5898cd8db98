import type { Logger } from '../logging.ts';
import type { MetricSink } from '../ports/metric-forwarding.ts';
import { forwardJobSchema } from '../schemas/jobs.ts';
import { deliverForwarded, type QueuedBatch } from '../use-cases/forwarding/deliver-forwarded.ts';
import { type SqsConsumer, sqsConsumer } from './sqs-consumer.ts';

/**
 * The forwarder function: an SQS batch of forwarded points to CloudWatch. Each message is checked
 * on its own (a malformed one fails alone); the well-formed ones are then packed into as few
 * PutMetricData calls as fit, and a failed call fails only its messages.
 */
export function createForwarderHandler(sink: MetricSink, namespace: string, logger: Logger): SqsConsumer {
  return async (event, context) => {
    const messages: QueuedBatch[] = [];
    const parsed = await sqsConsumer(forwardJobSchema, logger, async (job, record) => {
      messages.push({ id: record.messageId, points: job.p });
    })(event, context);
    const { failed, sent, calls } = await deliverForwarded(sink, namespace, messages, logger);
    logger.info('forwarded', { messages: messages.length, points: sent, calls, failed: failed.length });
    return {
      batchItemFailures: [
        ...parsed.batchItemFailures,
        ...failed.map((itemIdentifier) => ({ itemIdentifier })),
      ],
    };
  };
}
