import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { grantSend, jobQueue, scheduleInvoke } from './job-queue.ts';
import type { SabaFunction } from './saba-function.ts';

export interface CompactionProps {
  metrics: ITableV2;
  dispatch: SabaFunction;
  worker: SabaFunction;
}

/**
 * Daily compaction of finished days into day items: EventBridge Scheduler starts the dispatcher,
 * which queues one job per organization and pulse shard; workers take them from SQS in small
 * batches, reporting failures per message (retried, then parked in a dead-letter queue).
 */
export class Compaction extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: CompactionProps) {
    super(scope, id);
    const jobs = jobQueue(this, {
      ids: { queue: 'Jobs', deadLetters: 'DeadLetters' },
      visibilityTimeout: Duration.minutes(16),
      maxReceiveCount: 3,
      consumer: props.worker.fn,
      batchSize: 2,
    });
    this.queue = jobs.queue;
    this.deadLetters = jobs.deadLetters;
    props.dispatch.fn.addEnvironment(ENV.compactionQueueUrl, this.queue.queueUrl);
    grantSend(this.queue, props.dispatch.fn);
    scheduleInvoke(this, 'Daily', props.dispatch.fn, {
      description: 'saba: compact finished days of metric points',
      schedule: ScheduleExpression.cron({ hour: '0', minute: '30' }),
      retryAttempts: 3,
      input: { schedule: SCHEDULES.compaction },
    });
  }
}
