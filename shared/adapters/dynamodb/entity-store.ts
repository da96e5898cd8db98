import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Dashboard } from '../../domain/dashboard.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import { dynamoCollection } from './collection.ts';
import { dynamoAnnotations, dynamoGraphDefs } from './graphs.ts';
import { dynamoHosts, dynamoRoleMembers } from './hosts.ts';
import { dynamoMetadata } from './metadata.ts';
import { dynamoMonitoringStore } from './monitoring.ts';
import { dynamoApiKeys, dynamoOrgs } from './orgs-and-keys.ts';
import { dynamoRoles, dynamoServices } from './services-and-roles.ts';
import type { TableOptions } from './table.ts';

export function dynamoEntityStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: TableOptions = {},
): EntityStore {
  const table = { doc, name: tableName, ...options };
  return {
    orgs: dynamoOrgs(table),
    apiKeys: dynamoApiKeys(table),
    hosts: dynamoHosts(table),
    roleMembers: dynamoRoleMembers(table),
    services: dynamoServices(table),
    roles: dynamoRoles(table),
    metadata: dynamoMetadata(table),
    graphDefs: dynamoGraphDefs(table),
    dashboards: dynamoCollection<Dashboard>(table, 'DASHBOARDS'),
    annotations: dynamoAnnotations(table),
    ...dynamoMonitoringStore(table),
  };
}
