import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import { lintExceptions } from './cfn-lint.ts';
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
    this.deadLetters = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const dlq = this.deadLetters;
    this.queue = new Queue(this, 'Jobs', {
      visibilityTimeout: Duration.minutes(16),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    props.dispatch.fn.addEnvironment(ENV.compactionQueueUrl, this.queue.queueUrl);
    this.queue.grantSendMessages(props.dispatch.fn);

    props.worker.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 2, reportBatchItemFailures: true }),
    );
    lintExceptions(dlq, { ES6000: 'This is the dead-letter queue: it has no dead-letter queue of its own.' });
    lintExceptions(props.worker.fn.node.findChild(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`), {
      ES1001:
        'An SQS event source parks failed messages through the queue’s redrive policy (the DLQ above); on-failure destinations are for stream sources.',
    });

    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    });
    new Schedule(this, 'Daily', {
      description: 'saba: compact finished days of metric points',
      schedule: ScheduleExpression.cron({ hour: '0', minute: '30' }),
      target: new LambdaInvoke(props.dispatch.fn, { retryAttempts: 3, role }),
    });
    const fnId = Stack.of(this).getLogicalId(props.dispatch.fn.node.defaultChild as CfnFunction);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the one dispatch function and its versions (ARN:*), as LambdaInvoke grants it.',
    });
  }
}
