import { epochSeconds } from '../../domain/clock.ts';
import { assertMetadataNamespace } from '../../domain/names.ts';
import type { MetadataEntry, MetadataTarget } from '../../domain/service.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';

export const METADATA_MAX_BYTES = 100 * 1024;
export const METADATA_MAX_NAMESPACES = 50;
const WEEK_SECONDS = 7 * 24 * 3600;

/** 404 unless the host, service or role exists; retired hosts are read-only, and unreadable after a week. */
async function assertTarget(
  deps: Deps,
  orgId: string,
  target: MetadataTarget,
  write: boolean,
): Promise<void> {
  const { entities } = deps;
  if (target.kind === 'host') {
    const host = await entities.hosts.get(orgId, target.hostId);
    if (!host) throw new NotFoundError('Host Not Found.');
    if (host.isRetired && (write || epochSeconds(deps.clock) - (host.retiredAt ?? 0) > WEEK_SECONDS)) {
      throw new ValidationError('The host is retired.');
    }
    return;
  }
  if (!(await entities.services.get(orgId, target.service))) throw new NotFoundError('Service Not Found.');
  if (target.kind === 'role' && !(await entities.roles.get(orgId, target.service, target.role))) {
    throw new NotFoundError('Role Not Found.');
  }
}

export async function getMetadata(
  deps: Deps,
  orgId: string,
  target: MetadataTarget,
  ns: string,
): Promise<MetadataEntry> {
  await assertTarget(deps, orgId, target, false);
  const entry = await deps.entities.metadata.get(orgId, target, ns);
  if (!entry) throw new NotFoundError('Metadata Not Found.');
  return entry;
}

export async function listMetadata(deps: Deps, orgId: string, target: MetadataTarget): Promise<string[]> {
  await assertTarget(deps, orgId, target, false);
  return (await deps.entities.metadata.list(orgId, target)).map((e) => e.namespace).sort();
}

/** Stores the JSON text exactly as sent (it was already checked to be valid JSON). */
export async function putMetadata(
  deps: Deps,
  orgId: string,
  target: MetadataTarget,
  ns: string,
  json: string,
): Promise<void> {
  assertMetadataNamespace(ns);
  if (Buffer.byteLength(json, 'utf8') > METADATA_MAX_BYTES) {
    throw new PayloadTooLargeError('Metadata must be 100KB or smaller.');
  }
  await assertTarget(deps, orgId, target, true);
  const existing = await deps.entities.metadata.list(orgId, target);
  if (!existing.some((e) => e.namespace === ns) && existing.length >= METADATA_MAX_NAMESPACES) {
    throw new ValidationError(`At most ${METADATA_MAX_NAMESPACES} metadata namespaces are allowed.`);
  }
  await deps.entities.metadata.put(orgId, target, { namespace: ns, json, updatedAt: deps.clock.now() });
}

export async function deleteMetadata(
  deps: Deps,
  orgId: string,
  target: MetadataTarget,
  ns: string,
): Promise<void> {
  await assertTarget(deps, orgId, target, false);
  if (!(await deps.entities.metadata.delete(orgId, target, ns)))
    throw new NotFoundError('Metadata Not Found.');
}

export async function deleteAllMetadata(deps: Deps, orgId: string, target: MetadataTarget): Promise<void> {
  for (const entry of await deps.entities.metadata.list(orgId, target)) {
    await deps.entities.metadata.delete(orgId, target, entry.namespace);
  }
}
