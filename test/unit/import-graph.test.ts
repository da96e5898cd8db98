import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALIASES: Record<string, string> = {
  '#shared/': 'shared/',
  '#infra/': 'infra/',
  '#functions/': 'functions/',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every project import of every source file (relative or through the `#…/` aliases), type imports too. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of ['shared', 'infra', 'functions'].flatMap((d) => sources(join(ROOT, d)))) {
    const targets = [
      ...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm),
    ].flatMap(([, spec = '']) => {
      if (spec.startsWith('.')) return [normalize(join(dirname(file), spec))];
      const alias = Object.keys(ALIASES).find((a) => spec.startsWith(a));
      return alias ? [join(ROOT, ALIASES[alias] as string, spec.slice(alias.length))] : [];
    });
    graph.set(file, targets);
  }
  return graph;
}

describe('the import graph', () => {
  it('has no cycles (STYLE: when one use case needs another, compose one level up)', () => {
    const graph = importGraph();
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open')
          cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(ROOT, f)).join(' → '));
        else if (graph.has(next) && !state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
