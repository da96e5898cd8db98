import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, Capacity, TableClass, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { MetricStoreKind } from '#shared/config.ts';
import { lintExceptions } from './cfn-lint.ts';

export interface MetricStorageProps {
  kind: MetricStoreKind;
  retentionDays: number;
  /**
   * Provisioned capacity with auto scaling for the metric table, sized for this many agents, instead
   * of on-demand: about 2.5 times cheaper for steady agent load (docs/cost-model.md has the break-even).
   */
  provisionedForHosts?: number;
}

/** Write units a post costs on average (its minute item, the pulse every 5 minutes, names daily). */
const WRITE_UNITS_PER_POST = 1.25;
/** Read units a post and the checker cost per host and minute (eventually consistent). */
const READ_UNITS_PER_HOST_MINUTE = 1;

/** Auto scaling around the steady load of `hosts` agents posting once a minute. */
function provisionedFor(hosts: number) {
  const writes = Math.ceil((hosts * WRITE_UNITS_PER_POST) / 60);
  const reads = Math.ceil((hosts * READ_UNITS_PER_HOST_MINUTE) / 60);
  return Billing.provisioned({
    writeCapacity: Capacity.autoscaled({
      minCapacity: Math.max(5, writes),
      maxCapacity: Math.max(50, writes * 4),
      targetUtilizationPercent: 80,
    }),
    // Compaction reads a day of minute items in bursts: room above the steady read load.
    readCapacity: Capacity.autoscaled({
      minCapacity: Math.max(5, reads),
      maxCapacity: Math.max(100, reads * 20),
      targetUtilizationPercent: 70,
    }),
  });
}

/**
 * Where metric points live. DynamoDB (default): a table of minute and pulse items and name items,
 * and an archive table (Standard-IA: storage at 40 % of the price, for items written once and read
 * rarely) of day items, both expired by TTL. Timestream (opt-in with `-c metricStore=timestream`, for accounts that still have it): a
 * database and table with a 6-hour memory store, magnetic store writes for late points, and the
 * retention in the magnetic store.
 */
export class MetricStorage extends Construct {
  readonly kind: MetricStoreKind;
  readonly table?: TableV2;
  readonly archive?: TableV2;
  readonly timestream?: { database: string; table: string; tableArn: string };

  constructor(scope: Construct, id: string, props: MetricStorageProps) {
    super(scope, id);
    this.kind = props.kind;
    if (props.kind === 'dynamodb') {
      const keys = {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        timeToLiveAttribute: 'ttl',
        removalPolicy: RemovalPolicy.RETAIN,
      };
      this.table = new TableV2(this, 'Table', {
        ...keys,
        billing:
          props.provisionedForHosts === undefined
            ? Billing.onDemand()
            : provisionedFor(props.provisionedForHosts),
      });
      this.archive = new TableV2(this, 'Archive', {
        ...keys,
        billing: Billing.onDemand(),
        tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,
      });
      for (const table of [this.table, this.archive])
        Validations.of(table).acknowledge({
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
    const optIn =
      'Timestream is opt-in (-c metricStore=timestream) for accounts that still have it; DynamoDB is the default store.';
    for (const resource of [database, table]) {
      lintExceptions(resource, { W3697: optIn });
      // The same rule, as CDK's own template validation reports it at synth.
      Validations.of(resource).acknowledge({ id: 'CloudFormation-Validate::W3697', reason: optIn });
    }
    this.timestream = { database: database.ref, table: table.attrName, tableArn: table.attrArn };
  }
}
