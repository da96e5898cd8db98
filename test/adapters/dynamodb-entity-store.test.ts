import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '#shared/domain/api-key.ts';
import type { Host } from '#shared/domain/host.ts';
import { StaleWriteError } from '#shared/errors.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { listHosts } from '#shared/use-cases/hosts/find-hosts.ts';
import { saveHost } from '#shared/use-cases/hosts/save-host.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const host = (over: Partial<Host> = {}): Host => ({
  orgId: 'o1',
  id: 'h1',
  name: 'n',
  memo: '',
  status: 'working',
  size: 'standard',
  isRetired: false,
  createdAt: 1_700_000_000,
  roles: {},
  meta: { kernel: { release: '6.1' }, memory: { total: '1kB' }, num: 1.5, big: 1e21 },
  interfaces: [{ name: 'eth0' }],
  checks: [],
  version: 1,
  ...over,
});

describe('DynamoDB entity store on dynalite', () => {
  let dynamo: TestDynamo;
  let deps: Deps;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await dynamo.deps();
  });
  afterAll(() => dynamo.stop());

  it('saves hosts under a version condition and refuses stale or duplicate writes', async () => {
    const hosts = deps.entities.hosts;
    await hosts.save(host());
    await expect(hosts.save(host())).rejects.toBeInstanceOf(StaleWriteError);
    await hosts.save(host({ version: 2, name: 'v2' }));
    await expect(hosts.save(host({ version: 2, name: 'stale' }))).rejects.toBeInstanceOf(StaleWriteError);
    const stored = await hosts.get('o1', 'h1');
    expect(stored?.name).toBe('v2');
    expect(stored?.meta).toEqual({
      kernel: { release: '6.1' },
      memory: { total: '1kB' },
      num: 1.5,
      big: 1e21,
    });
    expect(await hosts.get('o2', 'h1')).toBeUndefined();
    await hosts.save(host({ orgId: 'o1', id: 'h2' }));
    expect((await hosts.list('o1')).map((h) => h.id).sort()).toEqual(['h1', 'h2']);
    expect(await hosts.list('o2')).toEqual([]);
  });

  it('claims a custom identifier once, and replaces a claim only from its previous owner', async () => {
    const hosts = deps.entities.hosts;
    expect(await hosts.claimCustomIdentifier('o1', 'ci', 'h1')).toBe(true);
    expect(await hosts.claimCustomIdentifier('o1', 'ci', 'h1')).toBe(true); // idempotent
    expect(await hosts.claimCustomIdentifier('o1', 'ci', 'h2')).toBe(false);
    expect(await hosts.claimCustomIdentifier('o1', 'ci', 'h2', 'hX')).toBe(false);
    expect(await hosts.claimCustomIdentifier('o1', 'ci', 'h2', 'h1')).toBe(true);
    expect(await hosts.customIdentifierOwner('o1', 'ci')).toBe('h2');
    await hosts.releaseCustomIdentifier('o1', 'ci', 'h1'); // not the owner: no effect
    expect(await hosts.customIdentifierOwner('o1', 'ci')).toBe('h2');
    await hosts.releaseCustomIdentifier('o1', 'ci', 'h2');
    expect(await hosts.customIdentifierOwner('o1', 'ci')).toBeUndefined();
  });

  it('finds API keys by hash, lists them per organization and revokes both items', async () => {
    const keys = deps.entities.apiKeys;
    const record = {
      orgId: 'o1',
      keyId: 'k1',
      name: 'n',
      permission: 'write' as const,
      hash: hashApiKey('secret'),
      createdAt: 1,
    };
    await keys.create(record);
    expect(await keys.findByHash(hashApiKey('secret'))).toEqual(record);
    expect(await keys.list('o1')).toEqual([record]);
    expect(await keys.list('o2')).toEqual([]);
    expect(await keys.revoke('o2', 'k1')).toBe(false);
    expect(await keys.revoke('o1', 'k1')).toBe(true);
    expect(await keys.findByHash(hashApiKey('secret'))).toBeUndefined();
    expect(await keys.list('o1')).toEqual([]);
  });

  it('lists a service’s roles by exact service, not by name prefix', async () => {
    const { services, roles } = deps.entities;
    expect(await services.create({ orgId: 'o1', name: 'ab', memo: '', createdAt: 1 })).toBe(true);
    expect(await services.create({ orgId: 'o1', name: 'ab', memo: '', createdAt: 1 })).toBe(false);
    await roles.create({ orgId: 'o1', service: 'ab', name: 'web', memo: '', createdAt: 1 });
    await roles.create({ orgId: 'o1', service: 'abc', name: 'db', memo: '', createdAt: 1 });
    expect((await roles.list('o1', 'ab')).map((r) => r.name)).toEqual(['web']);
    expect((await roles.list('o1')).length).toBe(2);
    await roles.delete('o1', 'ab', 'web');
    expect(await roles.get('o1', 'ab', 'web')).toBeUndefined();
  });

  it('keeps metadata per target and namespace', async () => {
    const md = deps.entities.metadata;
    const t = { kind: 'host' as const, hostId: 'h1' };
    await md.put('o1', t, { namespace: 'a', json: '{"x":1}', updatedAt: 5 });
    await md.put('o1', { kind: 'service', service: 'h1' }, { namespace: 'b', json: '2', updatedAt: 5 });
    expect(await md.get('o1', t, 'a')).toEqual({ namespace: 'a', json: '{"x":1}', updatedAt: 5 });
    expect((await md.list('o1', t)).map((e) => e.namespace)).toEqual(['a']);
    expect(await md.delete('o1', t, 'a')).toBe(true);
    expect(await md.delete('o1', t, 'a')).toBe(false);
  });

  it('indexes role members per service and role, and reads hosts in batches', async () => {
    const members = deps.entities.roleMembers;
    await members.add('o1', 'shop', 'web', 'h1');
    await members.add('o1', 'shop', 'web', 'h2');
    await members.add('o1', 'shop', 'db', 'h2');
    await members.add('o1', 'shopx', 'web', 'h9');
    expect((await members.hostIds('o1', 'shop', 'web')).sort()).toEqual(['h1', 'h2']);
    expect((await members.hostIds('o1', 'shop')).sort()).toEqual(['h1', 'h2']);
    expect(await members.hostIds('o2', 'shop')).toEqual([]);
    await members.remove('o1', 'shop', 'web', 'h1');
    expect(await members.hostIds('o1', 'shop', 'web')).toEqual(['h2']);

    const ids = Array.from({ length: 130 }, (_, i) => `many-${i}`);
    for (const id of ids) await deps.entities.hosts.save(host({ id }));
    const got = await deps.entities.hosts.getMany('o1', [...ids, 'missing', ids[0] as string]);
    expect(got.map((h) => h.id).sort()).toEqual([...ids].sort());
  });

  it('keeps the role index in line with saved hosts, and readers ignore stale entries', async () => {
    const h = host({ orgId: 'o3', id: 'r1', roles: { app: ['api', 'web'] } });
    await saveHost(deps, undefined, h);
    expect((await deps.entities.roleMembers.hostIds('o3', 'app')).sort()).toEqual(['r1']);
    const moved = { ...h, roles: { app: ['api'] }, version: 2 };
    await saveHost(deps, h, moved);
    expect(await deps.entities.roleMembers.hostIds('o3', 'app', 'web')).toEqual([]);
    await deps.entities.roleMembers.add('o3', 'app', 'web', 'r1'); // a stale entry, as after a crash
    expect(await listHosts(deps, 'o3', { service: 'app', roles: ['web'], statuses: [] })).toEqual([]);
    await saveHost(deps, moved, { ...moved, isRetired: true, version: 3 });
    expect(await deps.entities.roleMembers.hostIds('o3', 'app', 'api')).toEqual([]);
  });

  it('creates organizations once', async () => {
    const org = {
      id: 'acme',
      name: 'acme',
      displayName: null,
      defaultHostStatus: 'standby' as const,
      createdAt: 1,
    };
    await deps.entities.orgs.create(org);
    await expect(deps.entities.orgs.create(org)).rejects.toThrow(/already exists/);
    expect(await deps.entities.orgs.get('acme')).toEqual(org);
  });
});
