import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { scheduleInvoke } from './job-queue.ts';
import type { MetricStorage } from './metric-storage.ts';
import { SabaFunction } from './saba-function.ts';

export interface AnomalyTrainingProps {
  entities: ITableV2;
  metrics: MetricStorage;
  retentionDays: number;
}

/**
 * Role anomaly detection's training on AWS: a function every hour that remakes the models that are
 * due (daily, or hourly while a role has hosts too young for one) from the metric history. Its own
 * role: metric reads only, the entity table for monitors, hosts and models.
 */
export class AnomalyTraining extends Construct {
  readonly fn: SabaFunction;

  constructor(scope: Construct, id: string, props: AnomalyTrainingProps) {
    super(scope, id);
    this.fn = new SabaFunction(this, 'Function', {
      entry: 'anomaly-training',
      description: 'Hourly: trains the role anomaly detection models that are due',
      // A role's whole history is in memory while it trains: about 1.5 MB a host for two weeks.
      memorySize: 2048,
      timeout: Duration.minutes(15),
    })
      .bindTable(props.entities, 'train')
      .bindMetrics(props.metrics, 'history', props.retentionDays);
    scheduleInvoke(this, 'Hourly', this.fn.fn, {
      description: 'saba: role anomaly detection training',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      retryAttempts: 0,
      input: { schedule: SCHEDULES.anomalyTraining },
    });
  }
}
