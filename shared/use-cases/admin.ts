import { type ApiKey, generateApiKey, hashApiKey, type Permission } from '../domain/api-key.ts';
import { epochSeconds } from '../domain/clock.ts';
import type { HostStatus } from '../domain/host.ts';
import { ORG_NAME, type Org } from '../domain/org.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { EntityDeps } from '../ports/deps.ts';
import { createDefaultMonitors } from './monitoring/monitors.ts';

/**
 * Organizations and API keys: there is no Mackerel API for these, so the admin CLI calls them.
 * A new organization starts with a connectivity monitor, as in Mackerel.
 */
export async function createOrg(
  deps: EntityDeps,
  name: string,
  options: { displayName?: string; defaultHostStatus?: HostStatus } = {},
): Promise<Org> {
  if (!ORG_NAME.test(name)) {
    throw new ValidationError(`Invalid organization name ${JSON.stringify(name)}: 2-63 of [A-Za-z0-9_-].`);
  }
  const org: Org = {
    id: name,
    name,
    displayName: options.displayName ?? null,
    defaultHostStatus: options.defaultHostStatus ?? 'working',
    createdAt: epochSeconds(deps.clock),
  };
  await deps.entities.orgs.create(org);
  await createDefaultMonitors(deps, org.id);
  return org;
}

/**
 * Organization settings that Mackerel has no API for: `retireSilentHostsAfterDays` (0 turns
 * retirement off) and `labeledSeriesLimit` (how many OpenTelemetry series; 0 restores the default).
 */
export async function updateOrgSettings(
  deps: EntityDeps,
  orgId: string,
  settings: { retireSilentHostsAfterDays?: number; labeledSeriesLimit?: number },
): Promise<Org> {
  const org = await deps.entities.orgs.get(orgId);
  if (!org) throw new NotFoundError(`Organization ${orgId} does not exist.`);
  const days = settings.retireSilentHostsAfterDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 0 || days > 3650))
    throw new ValidationError('retireSilentHostsAfterDays must be a whole number of days, 0 (off) to 3650.');
  const limit = settings.labeledSeriesLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > 10_000_000))
    throw new ValidationError('labeledSeriesLimit must be a whole number, 0 (the default) to 10,000,000.');
  let next: Org = org;
  if (days !== undefined) {
    const { retireSilentHostsAfterDays: _old, ...rest } = next;
    next = { ...rest, ...(days > 0 && { retireSilentHostsAfterDays: days }) };
  }
  if (limit !== undefined) {
    const { labeledSeriesLimit: _old, ...rest } = next;
    next = { ...rest, ...(limit > 0 && { labeledSeriesLimit: limit }) };
  }
  await deps.entities.orgs.update(next);
  return next;
}

export interface IssuedKey {
  /** Shown once; only its hash is stored. */
  key: string;
  record: ApiKey;
}

export async function createApiKey(
  deps: EntityDeps,
  orgId: string,
  permission: Permission,
  name: string,
  key: string = generateApiKey(),
): Promise<IssuedKey> {
  if (!(await deps.entities.orgs.get(orgId))) throw new NotFoundError(`Organization ${orgId} not found.`);
  if (key.length < 16 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ValidationError('An API key must be at least 16 printable ASCII characters without spaces.');
  }
  const record: ApiKey = {
    orgId,
    keyId: deps.newId(),
    name,
    permission,
    hash: hashApiKey(key),
    createdAt: epochSeconds(deps.clock),
  };
  await deps.entities.apiKeys.create(record);
  return { key, record };
}

export type Authentication =
  | { orgId: string; permission: Permission }
  | { denied: string; deniedStatus: 401 | 403 };

/** What the key check (shared/http/key-check.ts) decides for an `X-Api-Key` value. */
export async function authenticate(deps: EntityDeps, key: string | undefined): Promise<Authentication> {
  if (!key) return { denied: 'API key is required. Set the X-Api-Key header.', deniedStatus: 401 };
  const record = await deps.entities.apiKeys.findByHash(hashApiKey(key));
  if (!record) return { denied: 'Authentication failed. The API key is invalid.', deniedStatus: 403 };
  return { orgId: record.orgId, permission: record.permission };
}
