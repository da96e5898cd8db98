import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { GraphAnnotation, GraphDef } from '../../domain/graphs.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import { annotationKeys, annotationsPartition, graphDefKeys, graphDefsPartition } from './keys.ts';
import { conditionally, type Key, queryAll, type Table, withoutKeys } from './table.ts';

function deleteExisting(table: Table, key: Key): Promise<boolean> {
  return conditionally(() =>
    table.doc.send(
      new DeleteCommand({ TableName: table.name, Key: key, ConditionExpression: 'attribute_exists(pk)' }),
    ),
  );
}

export function dynamoGraphDefs(table: Table): EntityStore['graphDefs'] {
  return {
    async list(orgId) {
      return (await queryAll(table, graphDefsPartition(orgId))).map((i) => withoutKeys<GraphDef>(i));
    },
    async put(orgId, def) {
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { ...graphDefKeys(orgId, def.name), ...def } }),
      );
    },
    delete: (orgId, name) => deleteExisting(table, graphDefKeys(orgId, name)),
  };
}

/** Annotations of an organization share one partition: they are few (deploy markers), and read by time window. */
export function dynamoAnnotations(table: Table): EntityStore['annotations'] {
  return {
    async get(orgId, id) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: annotationKeys(orgId, id) }),
      );
      return out.Item ? withoutKeys<GraphAnnotation>(out.Item) : undefined;
    },
    async list(orgId) {
      return (await queryAll(table, annotationsPartition(orgId))).map((i) => withoutKeys<GraphAnnotation>(i));
    },
    async put(orgId, annotation) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...annotationKeys(orgId, annotation.id), ...annotation },
        }),
      );
    },
    delete: (orgId, id) => deleteExisting(table, annotationKeys(orgId, id)),
  };
}
