export const GRAPH_UNITS = [
  'float',
  'integer',
  'percentage',
  'seconds',
  'milliseconds',
  'bytes',
  'bytes/sec',
  'bits/sec',
  'iops',
] as const;

export interface GraphDefMetric {
  name: string;
  displayName?: string;
  isStacked: boolean;
}

export interface GraphDef {
  name: string;
  displayName?: string;
  unit: (typeof GRAPH_UNITS)[number];
  metrics: GraphDefMetric[];
}

/** `custom.` then dot-separated segments, each `[-a-zA-Z0-9_]+` or a wildcard `*` / `#` (at most one `#`). */
export const GRAPH_NAME = /^custom(\.([-a-zA-Z0-9_]+|[*#]))+$/;
const SEGMENT = /^([-a-zA-Z0-9_]+|[*#])$/;

export function graphDefProblem(def: GraphDef): string | undefined {
  if (!GRAPH_NAME.test(def.name)) return `invalid graph name ${JSON.stringify(def.name)}`;
  if ((def.name.match(/#/g) ?? []).length > 1) return `${def.name}: "#" may appear at most once`;
  for (const m of def.metrics) {
    const rest = m.name.startsWith(`${def.name}.`) ? m.name.slice(def.name.length + 1) : undefined;
    if (rest === undefined || !SEGMENT.test(rest)) {
      return `metric ${JSON.stringify(m.name)} must be ${def.name}.<name or wildcard>`;
    }
    if ((m.name.match(/#/g) ?? []).length > 1) return `${m.name}: "#" may appear at most once`;
  }
  return undefined;
}

/** `*` and `#` each stand for one whole dot-separated segment `[-a-zA-Z0-9_]+`. */
export function wildcardMatcher(pattern: string): RegExp {
  const parts = pattern
    .split('.')
    .map((p) => (p === '*' || p === '#' ? '[-a-zA-Z0-9_]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('\\.')}$`);
}

export interface GraphAnnotation {
  id: string;
  title: string;
  description: string;
  from: number;
  to: number;
  service: string;
  roles?: string[];
}
