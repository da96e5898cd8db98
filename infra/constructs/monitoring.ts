import { Arn, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { grantSend, jobQueue, scheduleInvoke } from './job-queue.ts';
import type { MetricStorage } from './metric-storage.ts';
import { SabaFunction } from './saba-function.ts';

export interface MonitoringProps {
  entities: ITableV2;
  metrics: MetricStorage;
  retentionDays: number;
  /** The SES identity alerts are sent from (an address, or an address at a verified domain). */
  senderEmail: string;
  connectivityTimeoutSeconds: number;
  /** Functions besides the checker that open alerts and so put notification jobs on the queue (ingest). */
  producers: SabaFunction[];
}

/** How many times SQS hands a notification to the notifier before it parks it in the dead-letter queue. */
const MAX_RECEIVES = 10;

/** The checker and its worker finish within the minute (a job is stale after 2 minutes anyway). */
const CHECKER_TIMEOUT = Duration.seconds(55);

/**
 * Monitoring on AWS: the checker every minute (EventBridge Scheduler), which judges silent agents
 * itself and queues every other monitor it evaluates as bounded jobs for the checker worker (an SQS
 * queue with a dead-letter queue), and the notifier on an SQS queue with a dead-letter queue. Alert transitions (checker, ingest, api) put one job per channel
 * on the queue; the notifier sends each once (SES email, webhook, Slack), reporting failures per
 * message so SQS retries only those.
 */
export class Monitoring extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly checker: SabaFunction;
  /** Takes the checker's jobs: every monitor type the checker evaluates besides connectivity. */
  readonly checkerWorker: SabaFunction;
  readonly checkerDeadLetters: Queue;
  readonly notifier: SabaFunction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.checker = new SabaFunction(this, 'Checker', {
      entry: 'checker',
      description: 'Every minute: silent agents; queues the other monitors as jobs for the checker worker',
      memorySize: 1024,
      timeout: CHECKER_TIMEOUT,
    })
      .bindTable(props.entities, 'monitor')
      .bindMetrics(props.metrics, 'read', props.retentionDays)
      .bindMetrics(props.metrics, 'write', props.retentionDays);
    this.checker.fn.addEnvironment(ENV.connectivityTimeoutSeconds, String(props.connectivityTimeoutSeconds));

    this.checkerWorker = new SabaFunction(this, 'CheckerWorker', {
      entry: 'checker-worker',
      description:
        'The checker’s jobs: missing service metrics, external, expression, anomaly and query monitors',
      memorySize: 1024,
      timeout: CHECKER_TIMEOUT,
    })
      .bindTable(props.entities, 'monitor')
      .bindMetrics(props.metrics, 'read', props.retentionDays)
      .bindMetrics(props.metrics, 'write', props.retentionDays);
    const checkerJobs = jobQueue(this, {
      ids: { queue: 'CheckerJobs', deadLetters: 'CheckerDeadLetters' },
      // Six times the worker's timeout, as Lambda's SQS guidance asks; a job handed out again that
      // late is past its deadline and is skipped (and reported) rather than evaluated.
      visibilityTimeout: Duration.seconds(6 * CHECKER_TIMEOUT.toSeconds()),
      maxReceiveCount: 2,
      consumer: this.checkerWorker.fn,
      // One job an invocation: the job is the unit whose time is bounded and measured.
      batchSize: 1,
    });
    this.checkerDeadLetters = checkerJobs.deadLetters;
    this.checker.fn.addEnvironment(ENV.checkerQueueUrl, checkerJobs.queue.queueUrl);
    grantSend(checkerJobs.queue, this.checker.fn);

    this.notifier = new SabaFunction(this, 'Notifier', {
      entry: 'notifier',
      description: 'Sends alert notifications: SES email, webhooks, Slack',
      memorySize: 256,
      timeout: Duration.seconds(30),
    }).bindTable(props.entities, 'notify');
    this.notifier.fn.addEnvironment(ENV.senderEmail, props.senderEmail);
    const notifications = jobQueue(this, {
      ids: { queue: 'Notifications', deadLetters: 'DeadLetters' },
      // Six times the notifier's timeout, as Lambda's SQS guidance asks.
      visibilityTimeout: Duration.seconds(6 * 30),
      maxReceiveCount: MAX_RECEIVES,
      consumer: this.notifier.fn,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
    });
    this.queue = notifications.queue;
    this.deadLetters = notifications.deadLetters;
    const stack = Stack.of(this);
    const domain = props.senderEmail.split('@')[1] ?? props.senderEmail;
    this.notifier.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [props.senderEmail, domain].map((identity) =>
          Arn.format({ service: 'ses', resource: 'identity', resourceName: identity }, stack),
        ),
      }),
    );

    for (const producer of [this.checker, this.checkerWorker, ...props.producers]) {
      producer.fn.addEnvironment(ENV.notificationQueueUrl, this.queue.queueUrl);
      grantSend(this.queue, producer.fn);
    }

    scheduleInvoke(this, 'EveryMinute', this.checker.fn, {
      description: 'saba: the checker (silence is judged against now − timeout, so jitter is harmless)',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      retryAttempts: 0,
      input: { schedule: SCHEDULES.checker },
    });
  }
}
