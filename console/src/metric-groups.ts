import type { GraphDef } from './api.ts';

export interface GraphGroup {
  title: string;
  names: string[];
  unit: string;
  stacked: boolean;
}

/** The agent's system graphs, as Mackerel draws them. */
const SYSTEM: { title: string; test: RegExp; unit: string; stacked: boolean }[] = [
  { title: 'loadavg', test: /^loadavg(1|5|15)$/, unit: 'float', stacked: false },
  { title: 'cpu', test: /^cpu\.[^.]+\.percentage$/, unit: 'percentage', stacked: true },
  { title: 'memory', test: /^memory\./, unit: 'bytes', stacked: false },
  { title: 'disk', test: /^disk\./, unit: 'iops', stacked: false },
  { title: 'interface', test: /^interface\./, unit: 'bytes/sec', stacked: false },
  { title: 'filesystem', test: /^filesystem\./, unit: 'bytes', stacked: false },
];

/** `*` one segment, `#` one segment naming a graph of its own (Mackerel's graph definition wildcards). */
export function defPattern(pattern: string): RegExp {
  const body = pattern
    .split('.')
    .map((seg) =>
      seg === '*' || seg === '#' ? '([-a-zA-Z0-9_]+)' : seg.replace(/[-[\]{}()+?.\\^$|]/g, '\\$&'),
    )
    .join('\\.');
  return new RegExp(`^${body}$`);
}

/**
 * A host's metric names as graphs: the system groups, then a graph per custom graph definition
 * (a `#` in its name makes one graph per matched value), then the custom metrics no definition
 * claims, one graph per name prefix.
 */
export function groupMetrics(names: string[], defs: GraphDef[]): GraphGroup[] {
  const groups: GraphGroup[] = [];
  const claimed = new Set<string>();
  for (const g of SYSTEM) {
    const matched = names.filter((n) => g.test.test(n));
    if (matched.length === 0) continue;
    for (const n of matched) claimed.add(n);
    groups.push({ title: g.title, names: matched, unit: g.unit, stacked: g.stacked });
  }
  for (const def of defs) {
    const byGraph = new Map<string, string[]>();
    const hashAt = def.name.split('.').indexOf('#');
    for (const m of def.metrics) {
      const re = defPattern(m.name);
      for (const n of names) {
        if (!re.test(n)) continue;
        const key = hashAt >= 0 ? (n.split('.')[hashAt] ?? '') : '';
        byGraph.set(key, [...(byGraph.get(key) ?? []), n]);
        claimed.add(n);
      }
    }
    const stacked = def.metrics.some((m) => m.isStacked);
    for (const [key, matched] of byGraph)
      groups.push({
        title: `${def.displayName ?? def.name}${key ? ` (${key})` : ''}`,
        names: [...new Set(matched)],
        unit: def.unit,
        stacked,
      });
  }
  const rest = new Map<string, string[]>();
  for (const n of names) {
    if (claimed.has(n)) continue;
    const prefix = n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : n;
    rest.set(prefix, [...(rest.get(prefix) ?? []), n]);
  }
  for (const [prefix, list] of rest)
    groups.push({ title: prefix, names: list, unit: 'float', stacked: false });
  return groups;
}
