/**
 * `npm test` runs this first (`pretest`, after the Python tools): the Go modules of the two Go
 * suites, pinned by their go.sum files — the compatibility suite (mackerel-client-go) and the PromQL
 * acceptance suite (the prometheus module and the test data it embeds) — downloaded and verified.
 * Fails loudly when Go is missing: no check is ever skipped.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MODULES = ['../compat-go/', '../promql-go/'];

try {
  execFileSync('go', ['version'], { stdio: 'ignore' });
} catch {
  console.error(
    'error: Go is needed for the mackerel-client-go compatibility suite and the PromQL acceptance suite; install Go 1.26 or newer',
  );
  process.exit(1);
}
for (const dir of MODULES) {
  const cwd = fileURLToPath(new URL(dir, import.meta.url));
  execFileSync('go', ['mod', 'download'], { cwd, stdio: 'inherit' });
  execFileSync('go', ['mod', 'verify'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}
