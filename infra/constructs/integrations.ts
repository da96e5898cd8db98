import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { scheduleInvoke } from './job-queue.ts';
import type { MetricStorage } from './metric-storage.ts';
import { SabaFunction } from './saba-function.ts';

/**
 * What the AWS integration may do in the account: describe and list resources, read their tags and
 * CloudWatch metrics. Nothing that changes a resource. These calls take no resource narrower than *
 * (API Gateway's GET is narrowed to the API listings).
 */
export const INTEGRATION_READ_ACTIONS = [
  'ec2:DescribeInstances',
  'elasticloadbalancing:DescribeLoadBalancers',
  'rds:DescribeDBInstances',
  'elasticache:DescribeCacheClusters',
  'lambda:ListFunctions',
  'sqs:ListQueues',
  'dynamodb:ListTables',
  'tag:GetResources',
  'cloudwatch:GetMetricData',
] as const;

export interface IntegrationsProps {
  entities: ITableV2;
  metrics: MetricStorage;
  retentionDays: number;
  /** Roles in other accounts that integrations may name in roleArn; none by default. */
  assumableRoles: string[];
  /** The checker: it reads instance states to retire terminated instances instead of alerting. */
  checker: SabaFunction;
}

/** Grants the AssumeRole on exactly the roles the deployment lists (their trust policies do the rest). */
function grantAssume(fn: SabaFunction, roles: string[]): void {
  if (roles.length > 0)
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles }));
}

/**
 * The AWS integration on AWS: a function every 5 minutes that turns the account's resources into
 * hosts with their CloudWatch metrics (GetMetricData, 500 queries a call) and retires the hosts of
 * resources that are gone. Its own role: read-only on the account, the entity table, metric writes.
 */
export class Integrations extends Construct {
  readonly fn: SabaFunction;

  constructor(scope: Construct, id: string, props: IntegrationsProps) {
    super(scope, id);
    this.fn = new SabaFunction(this, 'Function', {
      entry: 'integrations',
      description:
        'Every 5 minutes: AWS resources as hosts, their CloudWatch metrics, retirement of the gone',
      memorySize: 512,
      timeout: Duration.minutes(4),
    })
      .bindTable(props.entities, 'monitor')
      .bindMetrics(props.metrics, 'write', props.retentionDays);
    this.fn.fn.addToRolePolicy(
      new PolicyStatement({ actions: [...INTEGRATION_READ_ACTIONS], resources: ['*'] }),
    );
    this.fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:GET'],
        resources: ['arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/apis'],
      }),
    );
    if (this.fn.fn.role)
      for (const listing of ['restapis', 'apis'])
        Validations.of(this.fn.fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:aws:apigateway:*::/${listing}]`,
          reason: 'GET on the API listings of every region the integrations name (a region per integration).',
        });
    grantAssume(this.fn, props.assumableRoles);
    props.checker.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
    );
    grantAssume(props.checker, props.assumableRoles);

    scheduleInvoke(this, 'EveryFiveMinutes', this.fn.fn, {
      description: 'saba: AWS integrations (discovery, metrics, retirement)',
      schedule: ScheduleExpression.rate(Duration.minutes(5)),
      retryAttempts: 0,
      input: { schedule: SCHEDULES.integrations },
    });
  }
}
