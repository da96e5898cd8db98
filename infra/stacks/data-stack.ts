import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ENTITY_TABLE_OUTPUT, type MetricStoreKind } from '#shared/config.ts';
import { EntityTable } from '../constructs/entity-table.ts';
import { MetricStorage } from '../constructs/metric-storage.ts';

export interface SabaDataStackProps extends StackProps {
  metricStore: MetricStoreKind;
  retentionDays: number;
}

/** Stateful resources, kept apart so the stateless stack can be replaced freely. */
export class SabaDataStack extends Stack {
  readonly entities: TableV2;
  readonly metrics: MetricStorage;

  constructor(scope: Construct, id: string, props: SabaDataStackProps) {
    super(scope, id, props);
    this.entities = new EntityTable(this, 'Entities').table;
    this.metrics = new MetricStorage(this, 'Metrics', {
      kind: props.metricStore,
      retentionDays: props.retentionDays,
    });
    new CfnOutput(this, ENTITY_TABLE_OUTPUT, {
      value: this.entities.tableName,
      description: 'The entity table: the admin CLI finds it here (saba … --stack SabaData)',
    });
  }
}
