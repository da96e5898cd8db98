import { describe, expect, it } from 'vitest';
import { createRouter } from '#shared/http/router.ts';
import { ROUTES } from '#shared/http/routes.ts';

const route = createRouter(ROUTES);

describe('router', () => {
  it('prefers static segments over parameters', () => {
    expect(route('POST', '/api/v0/hosts/bulk-retire')?.route.op).toBe('bulkRetireHosts');
    expect(route('POST', '/api/v0/hosts/abc/retire')?.params).toEqual({ hostId: 'abc' });
    expect(route('GET', '/api/v0/hosts.json')?.route.op).toBe('listHosts');
  });

  it('decodes each segment after matching, keeping %2F inside its parameter', () => {
    const m = route('GET', '/api/v0/hosts-by-custom-identifier/a%2Fb%20c');
    expect(m?.params.customIdentifier).toBe('a/b c');
    expect(route('GET', '/api/v0/hosts-by-custom-identifier/a/b')?.params.customIdentifier).toBe('a/b');
  });

  it('matches method and whole path only', () => {
    expect(route('PATCH', '/api/v0/hosts')).toBeUndefined();
    expect(route('GET', '/api/v0/hosts/')).toBeUndefined();
    expect(route('GET', '/api/v0/hosts/x/y/z')).toBeUndefined();
    expect(route('GET', '/API/v0/org')).toBeUndefined();
  });

  it('refuses malformed percent-encoding with a 400', () => {
    expect(() => route('GET', '/api/v0/hosts/%E0%A4%A')).toThrow(/percent-encoding/);
  });

  it('declares every route once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
