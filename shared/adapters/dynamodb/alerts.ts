import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertLog } from '../../domain/monitoring/alert.ts';
import type { AlertState } from '../../domain/monitoring/alert-state.ts';
import type { MonitoringStore, Page } from '../../ports/monitoring-store.ts';
import {
  alertKeys,
  alertLogKeys,
  alertLogsPartition,
  alertStateKeys,
  alertStatesPartition,
  alertsPartition,
} from './keys.ts';
import {
  batchGetAll,
  batchPutAll,
  conditionally,
  type Item,
  queryAll,
  type Table,
  withoutKeys,
} from './table.ts';

/** Alert states keep their document as JSON, with `version` beside it for the write conditions. */
export function dynamoAlertStates(table: Table): MonitoringStore['alertStates'] {
  const fromItem = (i: Item): AlertState => JSON.parse(i.doc as string) as AlertState;
  const key = (s: AlertState) => `${s.monitorId}#${s.target}`;
  return {
    async getMany(orgId, keys) {
      const items = await batchGetAll(
        table,
        [...new Set(keys)].map((k) => alertStateKeys(orgId, k)),
      );
      return new Map(items.map((i) => [i.sk as string, fromItem(i)]));
    },
    async list(orgId) {
      return (await queryAll(table, alertStatesPartition(orgId))).map(fromItem);
    },
    save(orgId, state) {
      const first = state.version === 1;
      return conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...alertStateKeys(orgId, key(state)),
              version: state.version,
              doc: JSON.stringify(state),
            },
            ConditionExpression: first ? 'attribute_not_exists(pk)' : 'version = :previous',
            ...(!first && { ExpressionAttributeValues: { ':previous': state.version - 1 } }),
          }),
        ),
      );
    },
    // The state is the one stored at its version: its pending effects are cleared in one conditional write.
    async settle(orgId, state) {
      const { version } = state;
      await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...alertStateKeys(orgId, key(state)),
              version,
              doc: JSON.stringify({ ...state, pending: [] }),
            },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        ),
      );
    },
    async remove(orgId, stateKey, version) {
      await conditionally(() =>
        table.doc.send(
          new DeleteCommand({
            TableName: table.name,
            Key: alertStateKeys(orgId, stateKey),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        ),
      );
    },
  };
}

async function reversePage<T>(
  table: Table,
  pk: string,
  limit: number,
  before: string | undefined,
  map: (i: Item) => T & { id: string },
): Promise<Page<T>> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(before && { ':before': before }) },
      ScanIndexForward: false,
      Limit: limit + 1,
    }),
  );
  const items = ((out.Items as Item[] | undefined) ?? []).map(map);
  const shown = items.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown, ...(items.length > limit && last && { nextId: last.id }) };
}

/** Alerts are plain attributes, so status changes and memos are UpdateItems that never clobber each other. */
export function dynamoAlerts(table: Table): MonitoringStore['alerts'] {
  return {
    async get(orgId, id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: alertKeys(orgId, id) }));
      return out.Item ? withoutKeys<Alert>(out.Item) : undefined;
    },
    async getMany(orgId, ids) {
      return (
        await batchGetAll(
          table,
          [...new Set(ids)].map((id) => alertKeys(orgId, id)),
        )
      ).map((i) => withoutKeys<Alert>(i));
    },
    async open(orgId, alert) {
      await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...alertKeys(orgId, alert.id), ...alert },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async update(orgId, alert) {
      const set: Record<string, unknown> = {
        status: alert.status,
        isOpen: alert.isOpen,
        ...(alert.value !== undefined && { value: alert.value }),
        ...(alert.message !== undefined && { message: alert.message }),
        ...(alert.closedAt !== undefined && { closedAt: alert.closedAt }),
        ...(alert.reason !== undefined && { reason: alert.reason }),
      };
      const names = Object.keys(set);
      await conditionally(() =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: alertKeys(orgId, alert.id),
            UpdateExpression: `SET ${names.map((_n, i) => `#f${i} = :v${i}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk) AND isOpen = :open',
            ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
            ExpressionAttributeValues: {
              ...Object.fromEntries(names.map((n, i) => [`:v${i}`, set[n]])),
              ':open': true,
            },
          }),
        ),
      );
    },
    setMemo(orgId, id, memo) {
      return conditionally(() =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: alertKeys(orgId, id),
            UpdateExpression: 'SET memo = :memo',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':memo': memo },
          }),
        ),
      );
    },
    page: (orgId, limit, before) =>
      reversePage(table, alertsPartition(orgId), limit, before, (i) => withoutKeys<Alert>(i)),
  };
}

export function dynamoAlertLogs(table: Table): MonitoringStore['alertLogs'] {
  return {
    async put(orgId, alertId, log) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...alertLogKeys(orgId, alertId, log.id), doc: JSON.stringify(log) },
        }),
      );
    },
    putMany: (orgId, entries) =>
      batchPutAll(
        table,
        entries.map(({ alertId, log }) => ({
          ...alertLogKeys(orgId, alertId, log.id),
          doc: JSON.stringify(log),
        })),
      ),
    page: (orgId, alertId, limit, before) =>
      reversePage(
        table,
        alertLogsPartition(orgId, alertId),
        limit,
        before,
        (i) => JSON.parse(i.doc as string) as AlertLog,
      ),
  };
}
