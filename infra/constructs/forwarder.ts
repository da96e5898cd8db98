import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import type { ForwardRules } from '#shared/domain/forwarding.ts';
import { grantSend, jobQueue } from './job-queue.ts';
import { SabaFunction } from './saba-function.ts';

export interface ForwarderProps {
  rules: ForwardRules;
  /** The ingest function: it chooses the points and puts them on the queue. */
  ingest: SabaFunction;
}

/**
 * The opt-in CloudWatch forwarder: ingest puts the chosen points on an SQS queue after storing them;
 * the forwarder takes up to 100 messages (or what 20 s brings) and sends them with PutMetricData,
 * reporting failed calls' messages so SQS retries them, then parks them in the dead-letter queue.
 * Points reach CloudWatch within about 30 s of their post.
 */
export class Forwarder extends Construct {
  readonly fn: SabaFunction;
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ForwarderProps) {
    super(scope, id);
    this.fn = new SabaFunction(this, 'Function', {
      entry: 'forwarder',
      description: 'Mirrors chosen metrics into CloudWatch (PutMetricData)',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    const rules = JSON.stringify(props.rules);
    const { queue, deadLetters } = jobQueue(this, {
      ids: { queue: 'Queue', deadLetters: 'DeadLetters' },
      visibilityTimeout: Duration.seconds(6 * 30),
      maxReceiveCount: 5,
      consumer: this.fn.fn,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(20),
    });
    this.queue = queue;
    this.deadLetters = deadLetters;
    for (const fn of [this.fn, props.ingest]) {
      fn.fn.addEnvironment(ENV.forwardQueueUrl, queue.queueUrl);
      fn.fn.addEnvironment(ENV.forwardRules, rules);
    }
    grantSend(queue, props.ingest.fn);
    // PutMetricData has no resource; the namespace condition keeps the function to its own.
    this.fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.rules.namespace } },
      }),
    );
  }
}
