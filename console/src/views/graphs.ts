import { type Annotation, api, type GraphDef, type Host, type Point } from '../api.ts';
import { chart } from '../chart.ts';
import { h } from '../dom.ts';
import { groupMetrics } from '../metric-groups.ts';
import { window } from '../time.ts';
import { hostAnnotations, hostLabel } from './shared.ts';

/** A host's graphs: one per metric group and custom graph definition, each series read in parallel. */
export async function hostGraphs(host: Host): Promise<HTMLElement> {
  const { from, to } = window();
  const [{ names }, { graphDefs }, annotations] = await Promise.all([
    api<{ names: string[] }>(`/hosts/${host.id}/metric-names`),
    api<{ graphDefs: GraphDef[] }>('/graph-defs'),
    hostAnnotations(host, from, to),
  ]);
  const groups = groupMetrics(names, graphDefs);
  const series = await Promise.all(
    groups.map((g) =>
      Promise.all(
        g.names.map(async (name) => ({
          label: name,
          points: (await api<{ metrics: Point[] }>(`/hosts/${host.id}/metrics`, { name, from, to })).metrics,
        })),
      ),
    ),
  );
  return h(
    'div',
    { class: 'graphs' },
    ...groups.map((g, i) =>
      chart({
        title: g.title,
        series: series[i] ?? [],
        from,
        to,
        unit: g.unit,
        stacked: g.stacked,
        annotations,
      }),
    ),
  );
}

/** One metric of every host of a role, in one read: the odd one out shows. */
export async function roleGraph(
  service: string,
  role: string,
  metric: string,
  hosts: Host[],
  annotations: Annotation[],
  options: { title?: string; unit?: string } = {},
): Promise<HTMLElement> {
  const { from, to } = window();
  const { metrics } = await api<{ metrics: Record<string, Point[]> }>(
    `/services/${encodeURIComponent(service)}/roles/${encodeURIComponent(role)}/metrics`,
    { name: metric, from, to },
  );
  const names = new Map(hosts.map((x) => [x.id, hostLabel(x)]));
  return chart({
    title: options.title ? `${options.title} — ${metric}` : `${service}:${role} — ${metric}`,
    ...(options.unit && { unit: options.unit }),
    series: Object.entries(metrics)
      .map(([id, points]) => ({ label: names.get(id) ?? id, points }))
      .sort((a, b) => (a.label < b.label ? -1 : 1)),
    from,
    to,
    annotations,
  });
}

/** A chooser of metric names that remembers its choice under `key`. */
export function metricChooser(
  key: string,
  names: string[],
  fallback: string,
  onChange: (name: string) => void,
) {
  const saved = localStorage.getItem(key);
  const chosen =
    saved && names.includes(saved) ? saved : names.includes(fallback) ? fallback : (names[0] ?? fallback);
  const select = h(
    'select',
    {
      'aria-label': 'metric',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        localStorage.setItem(key, v);
        onChange(v);
      },
    },
    ...names.map((n) => h('option', { value: n, selected: n === chosen }, n)),
  );
  return { chosen, select };
}

export const NO_GRAPH = h('p', { class: 'muted' }, 'No metrics yet.');
