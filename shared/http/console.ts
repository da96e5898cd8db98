import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from './event.ts';
import { errorResult } from './reply.ts';

/** The console's built files by name (`index.html`, `app.js`, `app.css`): see console/build.ts. */
export type ConsoleFiles = Record<string, string>;

/**
 * The console of a function's bundle: built into its `console/` folder at synth
 * (infra/constructs/saba-function.ts). Bundled, every module's `import.meta.url` is the bundle's.
 */
export function loadBundledConsole(): ConsoleFiles | undefined {
  const dir = fileURLToPath(new URL('./console/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(`${dir}${name}`, 'utf8')]));
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * No script but the console's own, no frames, no third-party anything: the key in session storage
 * is only as safe as the page that holds it.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `/` and `/console/<file>`: the console's paths, served without a key (the page asks for one). */
export const isConsolePath = (path: string): boolean =>
  path === '/' || /^\/console\/[a-z]+\.[a-z]+$/.test(path);

/** The answer to a console path; assets carry a content version in their URL, so they are cached for good. */
export function consoleResult(path: string, files: ConsoleFiles | undefined): ApiResult {
  if (!files) return errorResult(404, 'The console is not built into this deployment.');
  const name = path === '/' ? 'index.html' : path.slice('/console/'.length);
  const body = files[name];
  if (body === undefined) return errorResult(404, 'Not found.');
  const type = TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
  return {
    statusCode: 200,
    headers: {
      'content-type': type,
      'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...SECURITY_HEADERS,
    },
    body,
  };
}
