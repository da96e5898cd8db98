import { describe, expect, it } from 'vitest';
import { consoleResult, isConsolePath } from '#shared/http/console.ts';
import { buildConsole } from '../../console/build.ts';

describe('serving the console', () => {
  it('knows its paths: the page and its files, nothing under /api', () => {
    expect(isConsolePath('/')).toBe(true);
    expect(isConsolePath('/console/app.js')).toBe(true);
    expect(isConsolePath('/console/../api/v0/org')).toBe(false);
    expect(isConsolePath('/api/v0/hosts')).toBe(false);
  });

  it('serves the built page with a strict policy, and versioned files for good; JSON errors otherwise', async () => {
    const files = await buildConsole();
    const page = consoleResult('/', files);
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-type']).toMatch(/^text\/html/);
    expect(page.headers?.['cache-control']).toBe('no-cache');
    expect(String(page.headers?.['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers?.['content-security-policy'])).toContain("frame-ancestors 'none'");
    const js = consoleResult('/console/app.js', files);
    expect(js.headers?.['cache-control']).toContain('immutable');
    expect(js.body.length).toBeGreaterThan(10_000);
    const missing = consoleResult('/console/nope.js', files);
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.message).toBeTypeOf('string');
    expect(consoleResult('/', undefined).statusCode).toBe(404);
  });
});
