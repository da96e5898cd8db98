import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Collection, VersionedCollection } from '../../ports/monitoring-store.ts';
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

/** Like dynamoCollection, with every write conditional on the version the writer read. */
export function dynamoVersionedCollection<T extends { id: string; version: number }>(
  table: Table,
  kind: string,
): VersionedCollection<T> {
  const plain = dynamoCollection<T>(table, kind);
  return {
    get: plain.get,
    list: plain.list,
    save(orgId, value) {
      const first = value.version === 1;
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...collectionKeys(orgId, kind, value.id),
              version: value.version,
              doc: JSON.stringify(value),
            },
            ConditionExpression: first ? 'attribute_not_exists(pk)' : 'version = :previous',
            ...(!first && { ExpressionAttributeValues: { ':previous': value.version - 1 } }),
          }),
        ),
      );
    },
    remove(orgId, id, version) {
      return conditionally(() =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.name,
            Key: collectionKeys(orgId, kind, id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        ),
      );
    },
  };
}
