import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { MetricStoreKind } from '#shared/config.ts';
import { lintExceptions } from './cfn-lint.ts';

export interface MetricStorageProps {
  kind: MetricStoreKind;
  retentionDays: number;
}

/**
 * Where metric points live. DynamoDB (default): a table of minute, day and pulse items, expired by
 * TTL. Timestream (opt-in with `-c metricStore=timestream`, for accounts that still have it): a
 * database and table with a 6-hour memory store, magnetic store writes for late points, and the
 * retention in the magnetic store.
 */
export class MetricStorage extends Construct {
  readonly kind: MetricStoreKind;
  readonly table?: TableV2;
  readonly timestream?: { database: string; table: string; tableArn: string };

  constructor(scope: Construct, id: string, props: MetricStorageProps) {
    super(scope, id);
    this.kind = props.kind;
    if (props.kind === 'dynamodb') {
      this.table = new TableV2(this, 'Table', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        billing: Billing.onDemand(),
        timeToLiveAttribute: 'ttl',
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(this.table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason:
          'Metric points are append-only and expire by TTL; point-in-time recovery would roughly double their storage cost. The entity table has it.',
      });
      return;
    }
    const database = new CfnDatabase(this, 'Database', {});
    database.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(database).acknowledge({
      id: 'AwsSolutions-TS3',
      reason:
        'Timestream encrypts at rest with its AWS managed key; a customer managed key would add cost and key care.',
    });
    const table = new CfnTable(this, 'Points', {
      databaseName: database.ref,
      retentionProperties: {
        // Posts may be up to 24 h late; with magnetic store writes on, those older than the memory
        // store's 6 h go straight to the magnetic store, so memory (the costly part) stays small.
        MemoryStoreRetentionPeriodInHours: '6',
        MagneticStoreRetentionPeriodInDays: String(props.retentionDays),
      },
      magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    table.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const resource of [database, table])
      lintExceptions(resource, {
        W3697:
          'Timestream is opt-in (-c metricStore=timestream) for accounts that still have it; DynamoDB is the default store.',
      });
    this.timestream = { database: database.ref, table: table.attrName, tableArn: table.attrArn };
  }
}
