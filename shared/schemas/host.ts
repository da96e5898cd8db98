import { z } from 'zod';
import { HOST_STATUSES } from '../domain/host.ts';

const text = (max: number) => z.string().max(max);

const interfaceSchema = z
  .object({
    name: text(255).optional(),
    macAddress: text(255).nullish(),
    ipv4Addresses: z.array(text(255)).nullish(),
    ipv6Addresses: z.array(text(255)).nullish(),
    ipAddress: text(255).nullish(),
    ipv6Address: text(255).nullish(),
  })
  .loose();

/** `POST /api/v0/hosts` and `PUT /api/v0/hosts/<id>` share this body (the agent sends one struct). */
export const hostBodySchema = z.object({
  name: text(255).min(1, 'name is required'),
  displayName: text(255).nullish(),
  customIdentifier: text(255).nullish(),
  memo: text(2048).nullish(),
  meta: z.record(z.string(), z.unknown()),
  interfaces: z.array(interfaceSchema).max(1024).nullish(),
  roleFullnames: z.array(text(127)).max(1024).nullish(),
  checks: z
    .array(z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/), memo: text(2048).nullish() }).loose())
    .max(1024)
    .nullish(),
});
export type HostBody = z.output<typeof hostBodySchema>;

/** A host item must fit DynamoDB's 400 KB; meta and interfaces are by far its largest part. */
export const HOST_SPEC_MAX_BYTES = 256 * 1024;

const hostStatus = z.enum(HOST_STATUSES);

export const hostStatusSchema = z.object({ status: hostStatus });

const hostIds = z.array(z.string().min(1).max(64)).max(30, 'at most 30 ids are allowed');

export const bulkStatusSchema = z.object({ ids: hostIds, status: hostStatus });
export const bulkRetireSchema = z.object({ ids: hostIds });

export const roleFullnamesSchema = z.object({ roleFullnames: z.array(text(127)).max(1024).nullable() });
