import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Host, HostSummary } from '../../domain/host.ts';
import { StaleWriteError } from '../../errors.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import {
  customIdentifierKeys,
  HOST_SUMMARY_SHARDS,
  hostKeys,
  hostSummaryKeys,
  hostSummaryPartition,
  hostsChangedKeys,
  hostsPartition,
  roleMemberKeys,
  roleMembersPartition,
} from './keys.ts';
import { batchGetAll, conditionally, type Item, queryAll, type Table } from './table.ts';

/** meta and interfaces are stored as JSON text so they come back exactly as registered. */
function toItem(host: Host): Item {
  const { meta, interfaces, ...rest } = host;
  return {
    ...hostKeys(host.orgId, host.id),
    ...rest,
    meta: JSON.stringify(meta),
    interfaces: JSON.stringify(interfaces),
  };
}

function fromItem(item: Item): Host {
  const { pk: _pk, sk: _sk, meta, interfaces, ...rest } = item;
  return {
    ...(rest as Omit<Host, 'meta' | 'interfaces'>),
    meta: JSON.parse(meta as string),
    interfaces: JSON.parse(interfaces as string),
  };
}

export function dynamoHosts(table: Table): EntityStore['hosts'] {
  return {
    async get(orgId, hostId) {
      if (hostId === '') return undefined; // no host has an empty id, and DynamoDB refuses an empty key
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: hostKeys(orgId, hostId) }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },

    async list(orgId) {
      return (await queryAll(table, hostsPartition(orgId))).map(fromItem);
    },

    async listSummaries(orgId) {
      const shards = await Promise.all(
        Array.from({ length: HOST_SUMMARY_SHARDS }, (_, n) =>
          queryAll(table, hostSummaryPartition(orgId, n)),
        ),
      );
      return shards.flat().map((i) => JSON.parse(i.doc as string) as HostSummary);
    },

    async getSummaries(orgId, hostIds) {
      const keys = [...new Set(hostIds)].map((id) => hostSummaryKeys(orgId, id));
      return (await batchGetAll(table, keys)).map((i) => JSON.parse(i.doc as string) as HostSummary);
    },

    async markChanged(orgId, at) {
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { ...hostsChangedKeys(orgId), at } }),
      );
    },

    async changedAt(orgId) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: hostsChangedKeys(orgId) }),
      );
      return Number(out.Item?.at ?? 0);
    },

    async putSummary(orgId, summary) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...hostSummaryKeys(orgId, summary.id), doc: JSON.stringify(summary) },
        }),
      );
    },

    async removeSummary(orgId, hostId) {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: hostSummaryKeys(orgId, hostId) }));
    },

    async getMany(orgId, hostIds) {
      const keys = [...new Set(hostIds)].map((id) => hostKeys(orgId, id));
      return (await batchGetAll(table, keys)).map(fromItem);
    },

    async save(host) {
      const isNew = host.version === 1;
      const ok = await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: toItem(host),
            ConditionExpression: isNew ? 'attribute_not_exists(pk)' : 'version = :previous',
            ...(!isNew && { ExpressionAttributeValues: { ':previous': host.version - 1 } }),
          }),
        ),
      );
      if (!ok) throw new StaleWriteError(`host ${host.id} changed concurrently`);
    },

    async customIdentifierOwner(orgId, customIdentifier) {
      if (customIdentifier === '') return undefined; // no host has it, and DynamoDB refuses an empty key
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: customIdentifierKeys(orgId, customIdentifier) }),
      );
      return out.Item?.hostId as string | undefined;
    },

    claimCustomIdentifier(orgId, customIdentifier, hostId, previousOwner) {
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...customIdentifierKeys(orgId, customIdentifier), hostId },
            ConditionExpression: previousOwner
              ? 'hostId = :previous OR hostId = :me'
              : 'attribute_not_exists(pk) OR hostId = :me',
            ExpressionAttributeValues: {
              ':me': hostId,
              ...(previousOwner && { ':previous': previousOwner }),
            },
          }),
        ),
      );
    },

    async releaseCustomIdentifier(orgId, customIdentifier, hostId) {
      await conditionally(() =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.name,
            Key: customIdentifierKeys(orgId, customIdentifier),
            ConditionExpression: 'hostId = :me',
            ExpressionAttributeValues: { ':me': hostId },
          }),
        ),
      );
    },
  };
}

export function dynamoRoleMembers(table: Table): EntityStore['roleMembers'] {
  return {
    async add(orgId, service, role, hostId) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...roleMemberKeys(orgId, service, role, hostId), hostId },
        }),
      );
    },
    async remove(orgId, service, role, hostId) {
      await table.doc.send(
        new DeleteCommand({ TableName: table.name, Key: roleMemberKeys(orgId, service, role, hostId) }),
      );
    },
    async hostIds(orgId, service, role) {
      const items = await queryAll(
        table,
        roleMembersPartition(orgId, service),
        role === undefined ? undefined : `${role}#`,
      );
      return [...new Set(items.map((i) => i.hostId as string))];
    },
  };
}
