import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ForwardedPoint } from '../../domain/forwarding.ts';
import type { ForwardQueue } from '../../ports/metric-forwarding.ts';
import { sqsJobQueue } from './job-queue.ts';

/** SQS bills a message by 64 KB chunk: messages stay under one. */
const MESSAGE_BYTES = 60_000;
/** And under half of what one PutMetricData call takes, so the forwarder never splits a message. */
const POINTS_PER_MESSAGE = 500;

/** A forward job: the organization and its points. */
export interface ForwardJob {
  o: string;
  p: ForwardedPoint[];
}

/** Forwarded points as SQS messages `{"o": org, "p": [points]}`, as few as fit. */
export function sqsForwardQueue(queueUrl: string, client?: SQSClient): ForwardQueue {
  const queue = sqsJobQueue(queueUrl, client);
  return {
    async send(orgId, points) {
      const jobs: ForwardJob[] = [];
      let current: ForwardedPoint[] = [];
      let bytes = 0;
      for (const p of points) {
        const size = JSON.stringify(p).length + 1;
        if (current.length > 0 && (bytes + size > MESSAGE_BYTES || current.length >= POINTS_PER_MESSAGE)) {
          jobs.push({ o: orgId, p: current });
          current = [];
          bytes = 0;
        }
        current.push(p);
        bytes += size;
      }
      if (current.length > 0) jobs.push({ o: orgId, p: current });
      await queue.sendAll(jobs);
    },
  };
}
