import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MetadataEntry } from '../../domain/service.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import { metadataKeys, metadataPartition } from './keys.ts';
import { conditionally, queryAll, type Table, withoutKeys } from './table.ts';

export function dynamoMetadata(table: Table): EntityStore['metadata'] {
  return {
    async get(orgId, target, namespace) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: metadataKeys(orgId, target, namespace) }),
      );
      return out.Item ? withoutKeys<MetadataEntry>(out.Item) : undefined;
    },
    async list(orgId, target) {
      return (await queryAll(table, metadataPartition(orgId, target))).map((item) =>
        withoutKeys<MetadataEntry>(item),
      );
    },
    async put(orgId, target, entry) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...metadataKeys(orgId, target, entry.namespace), ...entry },
        }),
      );
    },
    delete(orgId, target, namespace) {
      return conditionally(() =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.name,
            Key: metadataKeys(orgId, target, namespace),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },
  };
}
