import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../ports/job-queue.ts';

/** An SQS queue of JSON jobs, sent 10 to a batch (SQS's limit); failed entries are sent again once. */
export function sqsJobQueue(queueUrl: string, client = new SQSClient({})): JobQueue {
  return {
    async sendAll(jobs) {
      for (let i = 0; i < jobs.length; i += 10) {
        let entries = jobs
          .slice(i, i + 10)
          .map((job, j) => ({ Id: String(j), MessageBody: JSON.stringify(job) }));
        for (let attempt = 0; entries.length > 0; attempt++) {
          if (attempt > 2) throw new Error(`SQS refused ${entries.length} message(s)`);
          const out = await client.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
          );
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          entries = entries.filter((e) => failed.has(e.Id));
        }
      }
    },
  };
}
