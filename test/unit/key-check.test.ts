import { describe, expect, it } from 'vitest';
import { hashApiKey } from '#shared/domain/api-key.ts';
import { KeyCheck } from '#shared/http/key-check.ts';
import type { EntityDeps } from '#shared/ports/deps.ts';

/** The key check every HTTP function makes: one read per key and minute, and Mackerel's answers. */
describe('the X-Api-Key check', () => {
  const stored = new Map([[hashApiKey('good-key-0123456789'), { orgId: 'acme', permission: 'write' }]]);
  let reads = 0;
  const deps = {
    entities: {
      apiKeys: {
        findByHash: async (hash: string) => {
          reads++;
          return stored.get(hash);
        },
      },
    },
  } as unknown as EntityDeps;

  it('reads a key once per minute, and notices a revocation after that', async () => {
    let now = 0;
    const keys = new KeyCheck(deps, 60_000, () => now);
    reads = 0;
    expect(await keys.check('good-key-0123456789')).toEqual({ orgId: 'acme', permission: 'write' });
    now = 59_000;
    expect(await keys.check('good-key-0123456789')).toEqual({ orgId: 'acme', permission: 'write' });
    expect(reads).toBe(1);
    stored.delete(hashApiKey('good-key-0123456789'));
    now = 61_000;
    expect(await keys.check('good-key-0123456789')).toMatchObject({ deniedStatus: 403 });
    expect(reads).toBe(2);
  });

  it('answers a missing key with 401 and an unknown one with 403, each with a message', async () => {
    const keys = new KeyCheck(deps);
    expect(await keys.check(undefined)).toEqual({
      denied: 'API key is required. Set the X-Api-Key header.',
      deniedStatus: 401,
    });
    expect(await keys.check('')).toMatchObject({ deniedStatus: 401 });
    expect(await keys.check('nobody-knows-this-key')).toEqual({
      denied: 'Authentication failed. The API key is invalid.',
      deniedStatus: 403,
    });
  });
});
