import { ValidationError } from '../errors.ts';

/** Service and role names: `[A-Za-z0-9_-]`, 2–63 characters, not starting with `-` or `_`. */
const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/;

export function assertEntityName(kind: 'service' | 'role', name: string): void {
  if (!ENTITY_NAME.test(name)) {
    throw new ValidationError(
      `Invalid ${kind} name: ${JSON.stringify(name)}. Use 2 to 63 of [A-Za-z0-9_-], not starting with '-' or '_'.`,
    );
  }
}

export interface RoleRef {
  service: string;
  role: string;
}

/** Parses `Service:role` (a space after the colon is accepted, as in Mackerel's docs). */
export function parseRoleFullname(fullname: string): RoleRef {
  const parts = fullname.split(':');
  const service = parts[0]?.trim() ?? '';
  const role = parts[1]?.trim() ?? '';
  if (parts.length !== 2 || !ENTITY_NAME.test(service) || !ENTITY_NAME.test(role)) {
    throw new ValidationError(`Invalid role fullname: ${JSON.stringify(fullname)}. Expected "service:role".`);
  }
  return { service, role };
}

export const roleFullname = (ref: RoleRef): string => `${ref.service}:${ref.role}`;

/** Metadata namespaces: `[-a-zA-Z0-9_]+`; names starting with `mackerel` are reserved. */
export function assertMetadataNamespace(namespace: string): void {
  if (!/^[-a-zA-Z0-9_]{1,128}$/.test(namespace)) {
    throw new ValidationError(`Invalid metadata namespace: ${JSON.stringify(namespace)}.`);
  }
  if (namespace.startsWith('mackerel')) {
    throw new ValidationError(`Metadata namespaces starting with "mackerel" are reserved: ${namespace}.`);
  }
}
