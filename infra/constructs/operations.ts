import { Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '#shared/logging.ts';
import { lintExceptions } from './cfn-lint.ts';
import type { SabaFunction } from './saba-function.ts';

export interface OperationsProps {
  /** Functions whose errors page someone (the request path, the checker and the notifier). */
  watched: Record<string, SabaFunction>;
  /** Functions whose throttling means agents' posts or calls are being refused. */
  throttled: Record<string, SabaFunction>;
  deadLetterQueues: Record<string, Queue>;
  checker: SabaFunction;
  /** `-c alarmEmail=…`: subscribed to the alarm topic (confirm the subscription email). */
  alarmEmail?: string;
}

/**
 * saba's own alarms, to one SNS topic: errors of the functions that matter, throttling on the
 * request path, anything in a dead-letter queue, the checker not having run for 3 minutes (no
 * checker, no connectivity alerts), a checker run or job that skipped work, and one that used more
 * than half its timeout (the checker's own EMF metrics in `saba`, totals without dimensions). Each alarm costs $0.10 a month, so there are few of them.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'saba alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notices carry no secrets; a customer managed KMS key would cost $1 a month, half the idle budget.',
    });
    if (props.alarmEmail) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      lintExceptions(subscription, {
        ES7000:
          'An email subscription fails only when the address is unconfirmed or bounces (shown in the SNS console); a dead-letter queue would keep alarm notices nobody reads.',
      });
    }
    const action = new SnsAction(this.topic);
    const alarm = (
      name: string,
      metric: IMetric,
      options: Partial<ConstructorParameters<typeof Alarm>[2]> = {},
    ) => {
      const a = new Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...options,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
    };
    for (const [name, fn] of Object.entries(props.watched))
      alarm(`${name}Errors`, fn.fn.metricErrors({ period: Duration.minutes(5) }), {
        alarmDescription: `saba: the ${name} function failed`,
      });
    for (const [name, fn] of Object.entries(props.throttled))
      alarm(`${name}Throttles`, fn.fn.metricThrottles({ period: Duration.minutes(5) }), {
        alarmDescription: `saba: the ${name} function is throttled (raise its concurrency or the account limit)`,
      });
    for (const [name, queue] of Object.entries(props.deadLetterQueues))
      alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        {
          alarmDescription: `saba: ${name} messages gave up and wait in the dead-letter queue`,
        },
      );
    alarm(
      'CheckerStopped',
      props.checker.fn.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
      {
        alarmDescription: 'saba: the checker has not run for 3 minutes: silent agents are not being noticed',
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
    const own = (metricName: string, statistic: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, statistic, period: Duration.minutes(1) });
    alarm(
      'CheckerSkips',
      new MathExpression({
        expression: 'FILL(skipped, 0) + FILL(failures, 0)',
        usingMetrics: { skipped: own('Skipped', 'Sum'), failures: own('Failures', 'Sum') },
        period: Duration.minutes(1),
        label: 'monitors skipped and organizations failed',
      }),
      {
        alarmDescription:
          'saba: a checker run skipped monitors or failed for an organization (its log says which and why)',
      },
    );
    alarm('CheckerNearLimit', own('LimitUsedPercent', 'Maximum'), {
      alarmDescription:
        'saba: a checker run or job used more than half its timeout: split the jobs further or give the functions more memory',
      threshold: 50,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }
}
