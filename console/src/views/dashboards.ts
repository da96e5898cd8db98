import { legendOf } from '../../../shared/domain/promql/legend.ts';
import { type Alert, api, type Host, type Point, type PromSeries, prometheus } from '../api.ts';
import { chart } from '../chart.ts';
import { h, link, when } from '../dom.ts';
import { markdown } from '../markdown.ts';
import { window } from '../time.ts';
import { formatValue } from '../units.ts';
import { rangePicker } from './shared.ts';

interface Source {
  type: 'host' | 'role' | 'service' | 'expression' | 'query' | 'unknown';
  expression?: string;
  query?: string;
  legend?: string;
  hostId?: string;
  roleFullname?: string;
  serviceName?: string;
  name?: string;
  isStacked?: boolean;
}
interface Widget {
  type: 'graph' | 'value' | 'markdown' | 'alertStatus';
  title: string;
  layout: { x: number; y: number; width: number; height: number };
  graph?: Source;
  metric?: Source;
  range?:
    | { type: 'relative'; period: number; offset: number }
    | { type: 'absolute'; start: number; end: number };
  markdown?: string;
  referenceLines?: { label: string; value: number }[];
  roleFullname?: string | null;
  fractionSize?: number;
  suffix?: string;
  formatRules?: { name: string; threshold: number; operator: '>' | '<' }[];
}
interface Dashboard {
  id: string;
  title: string;
  urlPath: string;
  memo: string;
  updatedAt: number;
  widgets?: Widget[];
}

const notDrawn = (what: string) => h('p', { class: 'muted' }, `${what} are not drawn in the console yet.`);
/** A widget whose role or service was deleted (the API answers `unknown`, or a null role). */
const gone = (w: Widget, why: string) =>
  h('div', { 'data-gone': '' }, h('h3', {}, w.title), h('p', { class: 'muted' }, why));

/** The window a graph widget shows: its own range, or the page's. */
function rangeOf(w: Widget): { from: number; to: number } {
  const now = Math.floor(Date.now() / 1000);
  if (w.range?.type === 'relative')
    return { from: now + w.range.offset - w.range.period, to: now + w.range.offset };
  if (w.range?.type === 'absolute') return { from: w.range.start, to: w.range.end };
  return window();
}

/** Names that a graph name stands for: the metric itself, or the metrics under it. */
const under = (names: string[], name: string) =>
  names.includes(name) ? [name] : names.filter((n) => n.startsWith(`${name}.`));

async function graphWidget(w: Widget): Promise<Node> {
  const g = w.graph;
  const { from, to } = rangeOf(w);
  if (g?.type === 'host' && g.hostId && g.name) {
    const { names } = await api<{ names: string[] }>(`/hosts/${g.hostId}/metric-names`);
    const series = await Promise.all(
      under(names, g.name).map(async (n) => ({
        label: n,
        points: (await api<{ metrics: Point[] }>(`/hosts/${g.hostId}/metrics`, { name: n, from, to }))
          .metrics,
      })),
    );
    return chart({ title: w.title || g.name, series, from, to, lines: w.referenceLines ?? [] });
  }
  if (g?.type === 'role' && g.roleFullname && g.name) {
    const [service = '', role = ''] = g.roleFullname.split(':');
    const [{ metrics }, { hosts }] = await Promise.all([
      api<{ metrics: Record<string, Point[]> }>(
        `/services/${encodeURIComponent(service)}/roles/${encodeURIComponent(role)}/metrics`,
        {
          name: g.name,
          from,
          to,
        },
      ),
      api<{ hosts: Host[] }>('/hosts', { service, role }),
    ]);
    const names = new Map(hosts.map((x) => [x.id, x.displayName || x.name]));
    const series = Object.entries(metrics).map(([id, points]) => ({ label: names.get(id) ?? id, points }));
    return chart({
      title: w.title || `${g.roleFullname} ${g.name}`,
      series,
      from,
      to,
      stacked: g.isStacked ?? false,
      lines: w.referenceLines ?? [],
    });
  }
  if (g?.type === 'service' && g.serviceName && g.name) {
    const { names } = await api<{ names: string[] }>(
      `/services/${encodeURIComponent(g.serviceName)}/metric-names`,
    );
    const series = await Promise.all(
      under(names, g.name).map(async (n) => ({
        label: n,
        points: (
          await api<{ metrics: Point[] }>(`/services/${encodeURIComponent(g.serviceName ?? '')}/metrics`, {
            name: n,
            from,
            to,
          })
        ).metrics,
      })),
    );
    return chart({ title: w.title || g.name, series, from, to, lines: w.referenceLines ?? [] });
  }
  if (g?.type === 'expression' && g.expression) {
    const { series } = await api<{ series: Point[][] }>('/expression', {
      expression: g.expression,
      from,
      to,
    });
    return chart({
      title: w.title || g.expression,
      series: series.map((points, i) => ({
        label: series.length === 1 ? 'expression' : `#${i + 1}`,
        points,
      })),
      from,
      to,
      lines: w.referenceLines ?? [],
    });
  }
  if (g?.type === 'query' && g.query) {
    const series = await queryRange(g.query, from, to);
    return chart({
      title: w.title || g.query,
      series: series.map((s) => ({ label: legendOf(s.metric, g.legend), points: pointsOf(s) })),
      from,
      to,
      lines: w.referenceLines ?? [],
    });
  }
  if (g?.type === 'unknown') return gone(w, 'The role or service of this graph was deleted.');
  return h('div', {}, h('h3', {}, w.title), notDrawn('This graph type'));
}

/** A PromQL range query over [from, to] (seconds), at most about 500 steps of whole minutes. */
export function queryRange(query: string, from: number, to: number): Promise<PromSeries[]> {
  const step = Math.max(60, Math.ceil((to - from) / 500 / 60) * 60);
  return prometheus<{ result: PromSeries[] }>('/query_range', { query, start: from, end: to, step }).then(
    (d) => d.result,
  );
}

const pointsOf = (s: PromSeries): Point[] => s.values.map(([time, v]) => ({ time, value: Number(v) }));

async function valueWidget(w: Widget): Promise<Node> {
  const m = w.metric;
  let value: number | null = null;
  if (m?.type === 'host' && m.hostId && m.name) {
    const { tsdbLatest } = await api<{ tsdbLatest: Record<string, Record<string, Point | null>> }>(
      '/tsdb/latest',
      { hostId: m.hostId, name: m.name },
    );
    value = tsdbLatest[m.hostId]?.[m.name]?.value ?? null;
  } else if (m?.type === 'service' && m.serviceName && m.name) {
    const to = Math.floor(Date.now() / 1000);
    const { metrics } = await api<{ metrics: Point[] }>(
      `/services/${encodeURIComponent(m.serviceName)}/metrics`,
      { name: m.name, from: to - 3600, to },
    );
    value = metrics.at(-1)?.value ?? null;
  } else if (m?.type === 'expression' && m.expression) {
    const to = Math.floor(Date.now() / 1000);
    const { series } = await api<{ series: Point[][] }>('/expression', {
      expression: m.expression,
      from: to - 3600,
      to,
    });
    value = series[0]?.at(-1)?.value ?? null;
  } else if (m?.type === 'query' && m.query) {
    const to = Math.floor(Date.now() / 1000);
    const series = await queryRange(m.query, to - 3600, to);
    // A value widget shows one series: narrow the query (an aggregation, a label) to one.
    if (series.length > 1)
      return h(
        'div',
        {},
        h('h3', {}, w.title),
        h('p', { class: 'muted' }, `The query gives ${series.length} series; a value shows one.`),
      );
    value = series[0] ? (pointsOf(series[0]).at(-1)?.value ?? null) : null;
  } else if (m?.type === 'unknown') return gone(w, 'The service of this value was deleted.');
  else return h('div', {}, h('h3', {}, w.title), notDrawn('This value type'));
  const rule = (w.formatRules ?? []).find(
    (r) => value !== null && (r.operator === '>' ? value > r.threshold : value < r.threshold),
  );
  const text =
    value === null ? '–' : w.fractionSize !== undefined ? value.toFixed(w.fractionSize) : formatValue(value);
  return h(
    'div',
    { 'data-value': value ?? '' },
    h('h3', {}, w.title),
    h(
      'div',
      { class: `value${rule ? ' status-CRITICAL' : ''}`, title: rule?.name ?? '' },
      text,
      w.suffix ? ` ${w.suffix}` : '',
    ),
  );
}

async function alertStatusWidget(w: Widget): Promise<Node> {
  if (!w.roleFullname) return gone(w, 'The role of this widget was deleted.');
  const [service = '', role = ''] = w.roleFullname.split(':');
  const [{ alerts }, { hosts }] = await Promise.all([
    api<{ alerts: Alert[] }>('/alerts', { limit: 100 }),
    api<{ hosts: Host[] }>('/hosts', { service, role }),
  ]);
  const names = new Map(hosts.map((x) => [x.id, x.displayName || x.name]));
  const open = alerts.filter((a) => a.hostId && names.has(a.hostId));
  const worst = open.some((a) => a.status === 'CRITICAL') ? 'CRITICAL' : open.length > 0 ? 'WARNING' : 'OK';
  return h(
    'div',
    { 'data-alerts': open.length },
    h('h3', {}, w.title || w.roleFullname),
    h('div', { class: `value status-${worst}` }, worst === 'OK' ? 'OK' : `${worst} ${open.length}`),
    h(
      'ul',
      {},
      ...open
        .slice(0, 5)
        .map((a) =>
          h(
            'li',
            {},
            link(`#/hosts/${a.hostId}`, names.get(a.hostId ?? '') ?? ''),
            ` ${a.status} since ${when(a.openedAt)}`,
          ),
        ),
    ),
  );
}

async function widgetNode(w: Widget): Promise<Node> {
  try {
    if (w.type === 'graph') return await graphWidget(w);
    if (w.type === 'value') return await valueWidget(w);
    if (w.type === 'alertStatus') return await alertStatusWidget(w);
    return h('div', {}, w.title ? h('h3', {}, w.title) : null, markdown(w.markdown ?? ''));
  } catch (err) {
    return h('div', {}, h('h3', {}, w.title), h('p', { class: 'error' }, (err as Error).message));
  }
}

export async function dashboardsView(): Promise<Node> {
  const { dashboards } = await api<{ dashboards: Dashboard[] }>('/dashboards');
  return h(
    'section',
    {},
    h('h1', {}, 'Dashboards'),
    dashboards.length === 0
      ? h('p', { class: 'muted' }, 'No dashboards yet (mkr dashboards push, or the API).')
      : null,
    h(
      'ul',
      {},
      ...dashboards.map((d) =>
        h(
          'li',
          {},
          link(`#/dashboards/${d.id}`, d.title),
          d.memo ? h('span', { class: 'muted' }, ` — ${d.memo}`) : null,
        ),
      ),
    ),
  );
}

/** A dashboard on its 24-column grid, each widget where its layout puts it. */
export async function dashboardView(id: string, rerender: () => void): Promise<Node> {
  const d = await api<Dashboard>(`/dashboards/${id}`);
  const widgets = d.widgets ?? [];
  const nodes = await Promise.all(widgets.map(widgetNode));
  const grid = h('div', { class: 'dashboard' });
  widgets.forEach((w, i) => {
    const cell = h('div', { class: `widget widget-${w.type}` }, nodes[i]);
    cell.style.gridColumn = `${w.layout.x + 1} / span ${w.layout.width}`;
    cell.style.gridRow = `${w.layout.y + 1} / span ${w.layout.height}`;
    grid.append(cell);
  });
  return h(
    'section',
    {},
    h('h1', {}, d.title),
    d.memo ? h('p', { class: 'muted' }, d.memo) : null,
    rangePicker(rerender),
    grid,
  );
}
