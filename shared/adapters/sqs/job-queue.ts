import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../ports/job-queue.ts';

/** SQS takes 10 messages and 256 KB a batch: batches stay under both. */
const BATCH_MESSAGES = 10;
const BATCH_BYTES = 240_000;

/** An SQS queue of JSON jobs, sent in as few batches as fit; failed entries are sent again, twice. */
export function sqsJobQueue(queueUrl: string, client = new SQSClient({})): JobQueue {
  const sendBatch = async (bodies: string[]) => {
    let entries = bodies.map((body, j) => ({ Id: String(j), MessageBody: body }));
    for (let attempt = 0; entries.length > 0; attempt++) {
      if (attempt > 2) throw new Error(`SQS refused ${entries.length} message(s)`);
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((e) => failed.has(e.Id));
    }
  };
  return {
    async sendAll(jobs) {
      let batch: string[] = [];
      let bytes = 0;
      for (const body of jobs.map((job) => JSON.stringify(job))) {
        if (batch.length === BATCH_MESSAGES || (batch.length > 0 && bytes + body.length > BATCH_BYTES)) {
          await sendBatch(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(body);
        bytes += body.length;
      }
      if (batch.length > 0) await sendBatch(batch);
    },
  };
}
