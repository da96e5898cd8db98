import type { Logger } from '../logging.ts';
import type { EntityDeps } from '../ports/deps.ts';
import { notificationJobSchema } from '../schemas/jobs.ts';
import { ChannelHealth } from '../use-cases/notifications/channel-health.ts';
import {
  DELIVERY_TIMEOUT_MS,
  DeliveryFailedError,
  notificationDelivery,
  type Senders,
} from '../use-cases/notifications/deliver.ts';
import { type SqsConsumer, sqsConsumer } from './sqs-consumer.ts';

/** Time a delivery needs beyond its own deadline: the claim, the channel read and the record after it. */
const DELIVERY_OVERHEAD_MS = 3_000;

/** Not started: the function would end before the delivery's deadline. SQS hands it back later. */
export class NotEnoughTimeError extends DeliveryFailedError {}

/**
 * The notifier function: an SQS batch of deliveries, each one (alert event, channel), all at once,
 * each within its own deadline. A delivery whose deadline would outlive the function is not started
 * and is answered as a batch item failure, so the batch never outlives the function and SQS never
 * hands back a delivery that was made. A channel that keeps timing out is backed off per container.
 */
export function createNotifierHandler(deps: EntityDeps, senders: Senders, logger: Logger): SqsConsumer {
  const deliver = notificationDelivery(deps, senders, { health: new ChannelHealth(() => deps.clock.now()) });
  return sqsConsumer(notificationJobSchema, logger, async (job, _record, context) => {
    const remaining = context.getRemainingTimeInMillis();
    if (remaining < DELIVERY_TIMEOUT_MS + DELIVERY_OVERHEAD_MS)
      throw new NotEnoughTimeError(`${remaining} ms left: not enough for a delivery`);
    const outcome = await deliver(job);
    logger.info('notification', { outcome, org: job.orgId, channel: job.channelId, event: job.eventId });
  });
}
