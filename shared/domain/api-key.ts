import { createHash, randomBytes } from 'node:crypto';

export type Permission = 'read' | 'write';

export interface ApiKey {
  orgId: string;
  keyId: string;
  name: string;
  permission: Permission;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  hash: string;
  createdAt: number;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** 32 random bytes, base64url: 43 characters, printable and header-safe. */
export const generateApiKey = (): string => randomBytes(32).toString('base64url');

export const allows = (granted: Permission, needed: Permission): boolean =>
  granted === 'write' || needed === 'read';
