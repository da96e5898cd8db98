import { CfnOutput } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ENTITY_TABLE_OUTPUT, type MetricStoreKind } from '#shared/config.ts';
import { EntityTable } from './entity-table.ts';
import { MetricStorage } from './metric-storage.ts';

export interface SabaDataProps {
  metricStore: MetricStoreKind;
  retentionDays: number;
  provisionedForHosts?: number;
}

/** Stateful resources (retained when their stack goes), kept apart so the rest can be replaced freely. */
export class SabaData extends Construct {
  readonly entities: TableV2;
  readonly metrics: MetricStorage;

  constructor(scope: Construct, id: string, props: SabaDataProps) {
    super(scope, id);
    this.entities = new EntityTable(this, 'Entities').table;
    this.metrics = new MetricStorage(this, 'Metrics', {
      kind: props.metricStore,
      retentionDays: props.retentionDays,
      ...(props.provisionedForHosts !== undefined && { provisionedForHosts: props.provisionedForHosts }),
    });
    new CfnOutput(this, ENTITY_TABLE_OUTPUT, {
      value: this.entities.tableName,
      description: 'The entity table: the admin CLI finds it here (saba … --stack SabaData)',
    });
  }
}
