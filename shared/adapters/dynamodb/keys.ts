import type { MetadataTarget } from '../../domain/service.ts';
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
