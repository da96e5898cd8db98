import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Role, Service } from '../../domain/service.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import { roleKeys, rolesPartition, serviceKeys, servicesPartition } from './keys.ts';
import { conditionally, queryAll, type Table, withoutKeys } from './table.ts';

export function dynamoServices(table: Table): EntityStore['services'] {
  return {
    async get(orgId, name) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: serviceKeys(orgId, name) }),
      );
      return out.Item ? withoutKeys<Service>(out.Item) : undefined;
    },
    async list(orgId) {
      return (await queryAll(table, servicesPartition(orgId))).map((item) => withoutKeys<Service>(item));
    },
    create(service) {
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...serviceKeys(service.orgId, service.name), ...service },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async delete(orgId, name) {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: serviceKeys(orgId, name) }));
    },
  };
}

export function dynamoRoles(table: Table): EntityStore['roles'] {
  return {
    async get(orgId, service, name) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: roleKeys(orgId, service, name) }),
      );
      return out.Item ? withoutKeys<Role>(out.Item) : undefined;
    },
    async list(orgId, service) {
      const items = await queryAll(
        table,
        rolesPartition(orgId),
        service === undefined ? undefined : `${service}:`,
      );
      return items.map((item) => withoutKeys<Role>(item));
    },
    create(role) {
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...roleKeys(role.orgId, role.service, role.name), ...role },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async delete(orgId, service, name) {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: roleKeys(orgId, service, name) }));
    },
  };
}
