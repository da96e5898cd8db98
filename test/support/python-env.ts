/**
 * `npm test` runs this first (`pretest`): the Python tools the checks use (cfn-lint with the
 * serverless rules), pinned in requirements-ci.txt, in a virtual environment at `.venv`. It installs
 * only when the pins changed, and fails loudly when Python is missing: no check is ever skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const venv = join(root, '.venv');
const pins = readFileSync(join(root, 'requirements-ci.txt'), 'utf8');
const stamp = join(venv, 'requirements-ci.txt');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pins && existsSync(join(venv, 'bin', 'cfn-lint')))
  process.exit(0);
try {
  execFileSync('python3', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('error: python3 is needed for the template checks (cfn-lint); install Python 3.10 or newer');
  process.exit(1);
}
console.log('Installing the pinned Python tools (requirements-ci.txt) into .venv …');
execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
execFileSync(
  join(venv, 'bin', 'pip'),
  ['install', '--quiet', '--disable-pip-version-check', '-r', join(root, 'requirements-ci.txt')],
  { stdio: 'inherit' },
);
writeFileSync(stamp, pins);
