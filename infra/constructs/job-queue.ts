import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, type ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { lintExceptions } from './cfn-lint.ts';

export interface JobQueueProps {
  /** Construct ids of the queue and its dead-letter queue (kept stable for deployed stacks). */
  ids: { queue: string; deadLetters: string };
  visibilityTimeout: Duration;
  /** Receives before a message is parked in the dead-letter queue. */
  maxReceiveCount: number;
  /** The function that takes the jobs, `batchSize` at a time, reporting failures per message. */
  consumer: IFunction;
  batchSize: number;
  maxBatchingWindow?: Duration;
}

/**
 * An encrypted SQS queue of jobs with a dead-letter queue (kept 14 days), consumed by one function
 * with partial-batch failures: a failed message is retried alone, then parked.
 */
export function jobQueue(scope: Construct, props: JobQueueProps): { queue: Queue; deadLetters: Queue } {
  const deadLetters = new Queue(scope, props.ids.deadLetters, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(scope, props.ids.queue, {
    visibilityTimeout: props.visibilityTimeout,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: props.maxReceiveCount },
  });
  props.consumer.addEventSource(
    new SqsEventSource(queue, {
      batchSize: props.batchSize,
      ...(props.maxBatchingWindow && { maxBatchingWindow: props.maxBatchingWindow }),
      reportBatchItemFailures: true,
    }),
  );
  lintExceptions(deadLetters, {
    ES6000: 'This is the dead-letter queue: it has no dead-letter queue of its own.',
  });
  lintExceptions(props.consumer.node.findChild(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`), {
    ES1001:
      'An SQS event source parks failed messages through the queue’s redrive policy (its DLQ); on-failure destinations are for stream sources.',
  });
  return { queue, deadLetters };
}

/**
 * Lets a function put jobs on the queue: `sqs:SendMessage` alone (CDK's `grantSendMessages` adds
 * GetQueueAttributes and GetQueueUrl, which saba never calls: it sends by the URL in its environment).
 * The queues are encrypted with SQS-managed keys, so no KMS grant is needed.
 */
export function grantSend(queue: Queue, fn: IFunction): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/** EventBridge Scheduler invoking one function, with a role of its own that may invoke only it. */
export function scheduleInvoke(
  scope: Construct,
  id: string,
  fn: IFunction,
  options: {
    schedule: ScheduleExpression;
    description: string;
    retryAttempts: number;
    /** What the function gets: its handler refuses any other input (shared/schemas/jobs.ts). */
    input: Record<string, string>;
  },
): Schedule {
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
  const schedule = new Schedule(scope, id, {
    description: options.description,
    schedule: options.schedule,
    target: new LambdaInvoke(fn, {
      retryAttempts: options.retryAttempts,
      role,
      input: ScheduleTargetInput.fromObject(options.input),
    }),
  });
  const fnId = Stack.of(scope).getLogicalId(fn.node.defaultChild as CfnFunction);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
    reason:
      'lambda:InvokeFunction on the one scheduled function and its versions (ARN:*), as LambdaInvoke grants it.',
  });
  return schedule;
}
