import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Dashboard } from '../../domain/dashboard.ts';
import type { Embed } from '../../domain/embed.ts';
import type { AwsIntegration, CloudResourceRecord } from '../../domain/integrations/aws-integration.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import { dynamoCollection } from './collection.ts';
import { dynamoAnnotations, dynamoGraphDefs } from './graphs.ts';
import { dynamoHosts, dynamoRoleMembers } from './hosts.ts';
import { embedSecretKeys } from './keys.ts';
import { dynamoLabeledSeries } from './labeled-series.ts';
import { dynamoMetadata } from './metadata.ts';
import { dynamoMonitoringStore } from './monitoring.ts';
import { dynamoApiKeys, dynamoOrgs } from './orgs-and-keys.ts';
import { dynamoRoles, dynamoServices } from './services-and-roles.ts';
import { conditionally, type TableOptions } from './table.ts';

export function dynamoEntityStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: TableOptions = {},
): EntityStore {
  const table = { doc, name: tableName, ...options };
  return {
    orgs: dynamoOrgs(table),
    labeledSeries: dynamoLabeledSeries(table),
    apiKeys: dynamoApiKeys(table),
    hosts: dynamoHosts(table),
    roleMembers: dynamoRoleMembers(table),
    services: dynamoServices(table),
    roles: dynamoRoles(table),
    metadata: dynamoMetadata(table),
    graphDefs: dynamoGraphDefs(table),
    dashboards: dynamoCollection<Dashboard>(table, 'DASHBOARDS'),
    embeds: dynamoCollection<Embed>(table, 'EMBEDS'),
    embedSecrets: {
      async get(orgId) {
        const out = await table.doc.send(
          new GetCommand({ TableName: table.name, Key: embedSecretKeys(orgId) }),
        );
        return out.Item?.secret as string | undefined;
      },
      create: (orgId, secret) =>
        conditionally(() =>
          table.doc.send(
            new PutCommand({
              TableName: table.name,
              Item: { ...embedSecretKeys(orgId), secret },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
    },
    annotations: dynamoAnnotations(table),
    awsIntegrations: dynamoCollection<AwsIntegration>(table, 'AWS_INTEGRATIONS'),
    cloudResources: dynamoCollection<CloudResourceRecord>(table, 'CLOUD_RESOURCES'),
    awsExternalIds: dynamoCollection<{ id: string; externalId: string }>(table, 'AWS_EXTERNAL_ID'),
    ...dynamoMonitoringStore(table),
  };
}
