import { ValidationError } from '../errors.ts';

export function assertEntityName(kind: 'service' | 'role', name: string): void {
  const problem = nameProblem(name);
  if (problem)
    throw new ValidationError(`Invalid ${kind} name: ${JSON.stringify(name)}. The ${kind} name ${problem}.`);
}

export interface RoleRef {
  service: string;
  role: string;
}

/**
 * Service and role names: `[A-Za-z0-9_-]`, 2–63 characters, not starting with `-` or `_`.
 * Which rule a name breaks, or undefined when it keeps them all. */
export function nameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 63) return `must be 2 to 63 characters long (it is ${name.length})`;
  if (!/^[A-Za-z0-9]/.test(name)) return `must start with a letter or digit`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return `may contain only letters, digits, '-' and '_'`;
  return undefined;
}

/** Parses `Service:role` (a space after the colon is accepted, as in Mackerel's docs). */
export function parseRoleFullname(fullname: string): RoleRef {
  const parts = fullname.split(':');
  const invalid = (why: string) =>
    new ValidationError(`Invalid role fullname: ${JSON.stringify(fullname)}. ${why}`);
  if (parts.length !== 2) throw invalid('Expected "service:role" with exactly one colon.');
  const service = parts[0]?.trim() ?? '';
  const role = parts[1]?.trim() ?? '';
  const serviceProblem = nameProblem(service);
  if (serviceProblem) throw invalid(`The service name ${serviceProblem}.`);
  const roleProblem = nameProblem(role);
  if (roleProblem) throw invalid(`The role name ${roleProblem}.`);
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
