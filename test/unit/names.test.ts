import { describe, expect, it } from 'vitest';
import { addRoles, withoutRole } from '#shared/domain/host.ts';
import { assertEntityName, assertMetadataNamespace, parseRoleFullname } from '#shared/domain/names.ts';

describe('Mackerel naming rules', () => {
  it('accepts 2–63 of [A-Za-z0-9_-] not starting with - or _', () => {
    for (const ok of ['ab', 'My-Service_1', 'x'.repeat(63), '0a'])
      expect(() => assertEntityName('service', ok)).not.toThrow();
    for (const bad of ['a', '', '-ab', '_ab', 'a b', 'a.b', 'x'.repeat(64), 'ä1']) {
      expect(() => assertEntityName('service', bad), bad).toThrow(/Invalid service name/);
    }
  });

  it('parses role fullnames with or without a space after the colon', () => {
    expect(parseRoleFullname('shop:web')).toEqual({ service: 'shop', role: 'web' });
    expect(parseRoleFullname('shop: web')).toEqual({ service: 'shop', role: 'web' });
    expect(() => parseRoleFullname('shop')).toThrow(/exactly one colon/);
    expect(() => parseRoleFullname('shop:web:x')).toThrow(/exactly one colon/);
  });

  it('says which rule a role fullname breaks, for the service and the role alike', () => {
    expect(() => parseRoleFullname('svc:x')).toThrow(
      /The role name must be 2 to 63 characters long \(it is 1\)/,
    );
    expect(() => parseRoleFullname('s:web')).toThrow(/The service name must be 2 to 63 characters long/);
    expect(() => parseRoleFullname('svc:-web')).toThrow(/The role name must start with a letter or digit/);
    expect(() => parseRoleFullname('my svc:web')).toThrow(
      /The service name may contain only letters, digits/,
    );
    expect(() => assertEntityName('role', 'a.b')).toThrow(/The role name may contain only/);
  });

  it('reserves metadata namespaces starting with mackerel', () => {
    expect(() => assertMetadataNamespace('mackerel')).toThrow(/reserved/);
    expect(() => assertMetadataNamespace('my-ns_1')).not.toThrow();
    expect(() => assertMetadataNamespace('a/b')).toThrow(/Invalid/);
  });

  it('adds roles without duplicates and removes the service when its last role goes', () => {
    const roles = addRoles({ s: ['b'] }, [
      { service: 's', role: 'a' },
      { service: 's', role: 'b' },
    ]);
    expect(roles).toEqual({ s: ['a', 'b'] });
    expect(withoutRole({ s: ['a'] }, { service: 's', role: 'a' })).toEqual({});
  });
});
