import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { composeAwsNotifier } from '#shared/composition/notifier.ts';
import { loadAwsConfig, loadMonitoringConfig } from '#shared/config.ts';
import type { NotificationJob } from '#shared/domain/monitoring/notification.ts';
import { deliverNotification } from '#shared/use-cases/notifications/deliver.ts';

const { deps, senders } = composeAwsNotifier(loadAwsConfig(), loadMonitoringConfig());

/** SQS batch of deliveries: each record one (alert event, channel); failures are retried by SQS, then dead-lettered. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const job = JSON.parse(record.body) as NotificationJob;
      const outcome = await deliverNotification(deps, senders, job);
      console.log(
        JSON.stringify({
          msg: 'notification',
          outcome,
          org: job.orgId,
          channel: job.channelId,
          event: job.eventId,
        }),
      );
    } catch (err) {
      console.error(
        JSON.stringify({ msg: 'notification failed', messageId: record.messageId, error: String(err) }),
      );
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
