import type { MetadataTarget } from '../../domain/service.ts';
import { PULSE_SHARDS, shardOf } from './metric-keys.ts';
import type { Key } from './table.ts';

/**
 * Key builders, one per entity. Organizations partition everything; each kind of entity of an
 * organization is one item collection, so listing is one Query and nothing on a request path scans.
 */
export const orgKeys = (orgId: string): Key => ({ pk: 'ORGS', sk: orgId });
export const ORGS_PARTITION = 'ORGS';

export const apiKeyLookupKeys = (hash: string): Key => ({ pk: `KEY#${hash}`, sk: 'KEY' });
export const apiKeyListingKeys = (orgId: string, keyId: string): Key => ({
  pk: `O#${orgId}#KEYS`,
  sk: keyId,
});
export const apiKeyListingPartition = (orgId: string): string => `O#${orgId}#KEYS`;

export const hostKeys = (orgId: string, hostId: string): Key => ({ pk: `O#${orgId}#HOSTS`, sk: hostId });
export const hostsPartition = (orgId: string): string => `O#${orgId}#HOSTS`;

export const customIdentifierKeys = (orgId: string, customIdentifier: string): Key => ({
  pk: `O#${orgId}#CUSTOMID`,
  sk: customIdentifier,
});

export const serviceKeys = (orgId: string, name: string): Key => ({ pk: `O#${orgId}#SERVICES`, sk: name });
export const servicesPartition = (orgId: string): string => `O#${orgId}#SERVICES`;

/** Role sort keys are `service:role`; names cannot contain ':', so a service's roles share a prefix. */
export const roleKeys = (orgId: string, service: string, role: string): Key => ({
  pk: `O#${orgId}#ROLES`,
  sk: `${service}:${role}`,
});
export const rolesPartition = (orgId: string): string => `O#${orgId}#ROLES`;

function targetPart(target: MetadataTarget): string {
  switch (target.kind) {
    case 'host':
      return `host:${target.hostId}`;
    case 'service':
      return `service:${target.service}`;
    case 'role':
      return `role:${target.service}:${target.role}`;
  }
}

export const metadataPartition = (orgId: string, target: MetadataTarget): string =>
  `O#${orgId}#META#${targetPart(target)}`;
export const metadataKeys = (orgId: string, target: MetadataTarget, namespace: string): Key => ({
  pk: metadataPartition(orgId, target),
  sk: namespace,
});

export const graphDefKeys = (orgId: string, name: string): Key => ({ pk: `O#${orgId}#GRAPHDEFS`, sk: name });
export const graphDefsPartition = (orgId: string): string => `O#${orgId}#GRAPHDEFS`;
export const annotationKeys = (orgId: string, id: string): Key => ({ pk: `O#${orgId}#ANNOTATIONS`, sk: id });
export const annotationsPartition = (orgId: string): string => `O#${orgId}#ANNOTATIONS`;

/** Role membership: one partition per service, `role#hostId` sort keys, so a role is one prefix Query. */
export const roleMemberKeys = (orgId: string, service: string, role: string, hostId: string): Key => ({
  pk: `O#${orgId}#MEMBERS#${service}`,
  sk: `${role}#${hostId}`,
});
export const roleMembersPartition = (orgId: string, service: string): string =>
  `O#${orgId}#MEMBERS#${service}`;

/** Monitoring documents: one partition per kind per organization (monitors, channels, groups, …). */
export const collectionKeys = (orgId: string, kind: string, id: string): Key => ({
  pk: `O#${orgId}#${kind}`,
  sk: id,
});
export const collectionPartition = (orgId: string, kind: string): string => `O#${orgId}#${kind}`;

/** Check monitors by name, so a name maps to one monitor id whoever reports it first. */
export const checkNameKeys = (orgId: string, name: string): Key => ({ pk: `O#${orgId}#CHECKNAME`, sk: name });

/** Alert states of an organization: only targets that are not OK, read whole by the checker. */
export const alertStateKeys = (orgId: string, key: string): Key => ({ pk: `O#${orgId}#ASTATE`, sk: key });
export const alertStatesPartition = (orgId: string): string => `O#${orgId}#ASTATE`;

/** Alerts by time-ordered id: newest first is a reverse Query. */
export const alertKeys = (orgId: string, id: string): Key => ({ pk: `O#${orgId}#ALERTS`, sk: id });
export const alertsPartition = (orgId: string): string => `O#${orgId}#ALERTS`;
export const alertLogKeys = (orgId: string, alertId: string, id: string): Key => ({
  pk: `O#${orgId}#ALOG#${alertId}`,
  sk: id,
});
export const alertLogsPartition = (orgId: string, alertId: string): string => `O#${orgId}#ALOG#${alertId}`;

/** Delivery records, expired by TTL after a week. */
export const deliveryKeys = (orgId: string, key: string): Key => ({ pk: `O#${orgId}#SENT`, sk: key });

/**
 * Host summaries (status, roles, name: no spec), spread over the pulse shards' count of partitions,
 * so the checker reads 100,000 hosts as 32 small Queries in parallel instead of every host's meta.
 */
export const HOST_SUMMARY_SHARDS = PULSE_SHARDS;
export const hostSummaryPartition = (orgId: string, shard: number): string => `O#${orgId}#HSUM#${shard}`;
export const hostSummaryKeys = (orgId: string, hostId: string): Key => ({
  pk: hostSummaryPartition(orgId, shardOf({ kind: 'host', id: hostId })),
  sk: hostId,
});

/** When the organization's host summaries last changed (status, roles, name, retirement): hot-path caches check it. */
export const hostsChangedKeys = (orgId: string): Key => ({ pk: `O#${orgId}#HSUM`, sk: 'changed' });

/** The organization's embed signing secret. */
export const embedSecretKeys = (orgId: string): Key => ({ pk: `O#${orgId}#EMBEDKEY`, sk: '-' });
