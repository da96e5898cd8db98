import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Collection } from '../../ports/monitoring-store.ts';
import { collectionKeys, collectionPartition } from './keys.ts';
import { batchGetAll, conditionally, queryAll, type Table } from './table.ts';

/**
 * Documents stored whole as JSON text in `doc`: they come back exactly as written, whatever their
 * shape (empty strings, nested arrays), and no UpdateExpression is ever built from request fields.
 */
export function dynamoCollection<T extends { id: string }>(table: Table, kind: string): Collection<T> {
  const item = (orgId: string, value: T) => ({
    ...collectionKeys(orgId, kind, value.id),
    doc: JSON.stringify(value),
  });
  return {
    async get(orgId, id) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: collectionKeys(orgId, kind, id) }),
      );
      return out.Item ? (JSON.parse(out.Item.doc as string) as T) : undefined;
    },
    async getMany(orgId, ids) {
      const items = await batchGetAll(
        table,
        [...new Set(ids)].map((id) => collectionKeys(orgId, kind, id)),
      );
      return items.map((i) => JSON.parse(i.doc as string) as T);
    },
    async list(orgId) {
      return (await queryAll(table, collectionPartition(orgId, kind))).map(
        (i) => JSON.parse(i.doc as string) as T,
      );
    },
    async put(orgId, value) {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: item(orgId, value) }));
    },
    create(orgId, value) {
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: item(orgId, value),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    delete(orgId, id) {
      return conditionally(() =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.name,
            Key: collectionKeys(orgId, kind, id),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },
  };
}
