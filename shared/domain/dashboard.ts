/**
 * A custom dashboard (Mackerel API §10): widgets on a 24-column grid. Stored as sent, less the
 * `null`s Go clients put in unset sub-objects, so `mkr dashboards pull` gets back what `push` sent.
 */
export interface Dashboard {
  id: string;
  title: string;
  urlPath: string;
  memo: string;
  createdAt: number;
  updatedAt: number;
  widgets: Record<string, unknown>[];
}

export interface Layout {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Mackerel's size limits per widget type, in grid cells: [min width, min height, max width, max height]. */
export const WIDGET_SIZES: Record<string, [number, number, number, number]> = {
  graph: [6, 6, 24, 32],
  value: [4, 4, 24, 32],
  markdown: [4, 2, 24, 80],
  alertStatus: [4, 3, 24, 32],
};

/** Why a widget's layout is refused (size for its type, the 24 columns), or undefined when it fits. */
export function layoutProblem(type: string, l: Layout): string | undefined {
  const [minW, minH, maxW, maxH] = WIDGET_SIZES[type] ?? [1, 1, 24, 80];
  if (l.width < minW || l.width > maxW) return `a ${type} widget is ${minW} to ${maxW} columns wide`;
  if (l.height < minH || l.height > maxH) return `a ${type} widget is ${minH} to ${maxH} rows high`;
  if (l.x + l.width > 24) return 'a widget must fit the 24 columns (x + width ≤ 24)';
  return undefined;
}

export const overlaps = (a: Layout, b: Layout): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Drops `null` and `undefined` members, deeply (arrays keep their length). */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  return value;
}

/** What still exists of the organization when a dashboard is read. */
export interface LiveNames {
  services: Set<string>;
  /** `service:role`. */
  roles: Set<string>;
}

const UNKNOWN = { type: 'unknown' };

/** A role or service graph (or metric) whose role or service is gone reads as Mackerel's `unknown`. */
function liveSource(source: unknown, live: LiveNames): unknown {
  const s = source as { type?: string; roleFullname?: string; serviceName?: string } | undefined;
  if (s?.type === 'role' && !live.roles.has(s.roleFullname ?? '')) return UNKNOWN;
  if (s?.type === 'service' && !live.services.has(s.serviceName ?? '')) return UNKNOWN;
  return source;
}

/**
 * A dashboard as the API answers it (list, get, and what a write returns), as Mackerel does: graph
 * widgets always carry `referenceLines` (`[]` when none), a graph or metric whose role or service was
 * deleted is `{"type":"unknown"}`, and an alert-status widget of a deleted role has
 * `roleFullname: null`.
 */
export function asAnswered(d: Dashboard, live: LiveNames): Dashboard {
  const widgets = d.widgets.map((w) => {
    switch (w.type) {
      case 'graph':
        return { ...w, graph: liveSource(w.graph, live), referenceLines: w.referenceLines ?? [] };
      case 'value':
        return { ...w, metric: liveSource(w.metric, live) };
      case 'alertStatus':
        return live.roles.has(String(w.roleFullname)) ? w : { ...w, roleFullname: null };
      default:
        return w;
    }
  });
  return { ...d, widgets };
}
