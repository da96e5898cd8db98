/**
 * Builds the console with esbuild: one minified ES module and one stylesheet (uPlot's included),
 * and the page that loads them, versioned by content. In memory for `npm start`; to a folder for
 * the Lambda bundle (`node console/build.ts <dir>`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export type ConsoleFiles = Record<string, string>;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function buildConsole(): Promise<ConsoleFiles> {
  const out = await build({
    entryPoints: { app: here('./src/main.ts'), style: here('./style.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    write: false,
    outdir: '/console',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = (suffix: string) => out.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
  const js = file('/app.js');
  const css = file('/style.css');
  const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 12);
  const html = readFileSync(here('./index.html'), 'utf8').replaceAll('%VERSION%', version);
  return { 'index.html': html, 'app.js': js, 'app.css': css };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node console/build.ts <output dir>');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(await buildConsole())) writeFileSync(join(dir, name), text);
}
