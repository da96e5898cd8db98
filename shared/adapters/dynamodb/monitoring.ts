import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertGroup, AlertGroupSetting, LatestAlertGroup } from '../../domain/monitoring/alert-group.ts';
import type {
  AnomalyRoleScores,
  AnomalyTraining,
  LatestFeatures,
  StoredHostModel,
} from '../../domain/monitoring/anomaly/records.ts';
import type { Downtime } from '../../domain/monitoring/downtime.ts';
import type { Monitor } from '../../domain/monitoring/monitor.ts';
import type { Channel, ChannelStatus, NotificationGroup } from '../../domain/monitoring/notification.ts';
import type { Invitation, User } from '../../domain/monitoring/user.ts';
import type { MonitoringStore } from '../../ports/monitoring-store.ts';
import { dynamoAlertLogs, dynamoAlertStates, dynamoAlerts } from './alerts.ts';
import { dynamoCollection, dynamoVersionedCollection } from './collection.ts';
import { checkNameKeys, deliveryKeys } from './keys.ts';
import { conditionally, type Table } from './table.ts';

const DELIVERY_TTL_SECONDS = 7 * 86400;

function dynamoDeliveries(table: Table): MonitoringStore['deliveries'] {
  return {
    async claim(orgId, key, now, staleBefore) {
      const claimed = await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...deliveryKeys(orgId, key),
              state: 'sending',
              claimedAt: now,
              ttl: now + DELIVERY_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
          }),
        ),
      );
      if (claimed) return 'claimed';
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: deliveryKeys(orgId, key) }),
      );
      return out.Item?.state === 'sent' ? 'sent' : 'busy';
    },
    async markSent(orgId, key, now) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...deliveryKeys(orgId, key), state: 'sent', sentAt: now, ttl: now + DELIVERY_TTL_SECONDS },
        }),
      );
    },
    async release(orgId, key) {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: deliveryKeys(orgId, key) }));
    },
  };
}

export function dynamoMonitoringStore(table: Table): MonitoringStore {
  const monitors = dynamoCollection<Monitor>(table, 'MONITORS');
  return {
    monitors: {
      ...monitors,
      /**
       * Reads first (every report names its check, and a failed conditional write still costs a
       * write unit); claims the name only when it is new. The monitor item is written after the
       * claim, and again by any later report that finds it missing: a crash between the two heals.
       */
      async ensureCheck(orgId, name, id) {
        const claimedBy = async () =>
          (await table.doc.send(new GetCommand({ TableName: table.name, Key: checkNameKeys(orgId, name) })))
            .Item?.monitorId as string | undefined;
        let owner = await claimedBy();
        if (owner === undefined) {
          const made = await conditionally(() =>
            table.doc.send(
              new PutCommand({
                TableName: table.name,
                Item: { ...checkNameKeys(orgId, name), monitorId: id },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          );
          owner = made ? id : await claimedBy();
        }
        const monitorId = owner ?? id;
        if (!(await monitors.get(orgId, monitorId)))
          await monitors.put(orgId, { type: 'check', id: monitorId, name });
        return monitorId;
      },
    },
    alertStates: dynamoAlertStates(table),
    alerts: dynamoAlerts(table),
    alertLogs: dynamoAlertLogs(table),
    channels: dynamoCollection<Channel>(table, 'CHANNELS'),
    channelStatuses: dynamoCollection<ChannelStatus>(table, 'CHANNEL_STATUS'),
    notificationGroups: dynamoCollection<NotificationGroup>(table, 'NGROUPS'),
    downtimes: dynamoCollection<Downtime>(table, 'DOWNTIMES'),
    alertGroupSettings: dynamoCollection<AlertGroupSetting>(table, 'AG_SETTINGS'),
    alertGroups: {
      latest: dynamoVersionedCollection<LatestAlertGroup>(table, 'AG_LATEST'),
      history: dynamoCollection<AlertGroup>(table, 'AG_HISTORY'),
    },
    users: dynamoCollection<User>(table, 'USERS'),
    anomaly: {
      models: dynamoCollection<StoredHostModel>(table, 'ANOMALY_MODELS'),
      trainings: dynamoCollection<AnomalyTraining>(table, 'ANOMALY_TRAININGS'),
      roleScores: dynamoCollection<AnomalyRoleScores>(table, 'ANOMALY_SCORES'),
      latest: dynamoCollection<LatestFeatures>(table, 'ANOMALY_LATEST'),
    },
    invitations: dynamoCollection<Invitation & { id: string }>(table, 'INVITES'),
    deliveries: dynamoDeliveries(table),
  };
}
