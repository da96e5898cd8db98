import { Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { EntityTable } from '../constructs/entity-table.ts';

/** Stateful resources, kept apart so the stateless stack can be replaced freely. */
export class SabaDataStack extends Stack {
  readonly entities: TableV2;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.entities = new EntityTable(this, 'Entities').table;
  }
}
