import { type Annotation, api, type Host } from '../api.ts';
import { h, link } from '../dom.ts';
import { currentRange, RANGES, type RangeName, setRange } from '../time.ts';

/** The range buttons; choosing one re-renders the page. */
export function rangePicker(onChange: () => void): HTMLElement {
  const current = currentRange();
  return h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': 'time range' },
    ...RANGES.map(([name]) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(name === current),
          onclick: () => {
            setRange(name as RangeName);
            onChange();
          },
        },
        name,
      ),
    ),
  );
}

/** The annotations of a service in the window; those limited to roles only where `roles` meet them. */
export async function annotationsFor(
  service: string,
  from: number,
  to: number,
  roles?: string[],
): Promise<Annotation[]> {
  const { graphAnnotations } = await api<{ graphAnnotations: Annotation[] }>('/graph-annotations', {
    service,
    from,
    to,
  });
  return graphAnnotations.filter((a) => !a.roles?.length || !roles || a.roles.some((r) => roles.includes(r)));
}

/** Every annotation that belongs on a host's graphs: each of its services, filtered by its roles there. */
export async function hostAnnotations(host: Host, from: number, to: number): Promise<Annotation[]> {
  const lists = await Promise.all(
    Object.entries(host.roles).map(([s, roles]) => annotationsFor(s, from, to, roles)),
  );
  return lists.flat();
}

export const statusBadge = (status: string) => h('span', { class: `status-${status}` }, status);
export const hostLabel = (host: Pick<Host, 'name' | 'displayName'>) => host.displayName || host.name;

/** Open alerts per host id (one read of the open alerts). */
export async function openAlertsByHost(): Promise<Map<string, number>> {
  const { alerts } = await api<{ alerts: { hostId?: string }[] }>('/alerts', { limit: 100 });
  const counts = new Map<string, number>();
  for (const a of alerts) if (a.hostId) counts.set(a.hostId, (counts.get(a.hostId) ?? 0) + 1);
  return counts;
}

const STATUS_ORDER = ['working', 'standby', 'maintenance', 'poweroff'];

/**
 * Hosts as a table sorted by name (a click on "status" sorts by status, then name), each marked
 * with its open alerts. `extra` adds columns after the status.
 */
export function hostTable(
  hosts: Host[],
  alerts: Map<string, number>,
  extra: { title: string; cell: (host: Host) => Node | string }[] = [],
): HTMLElement {
  const body = h('tbody', {});
  const byName = (a: Host, b: Host) => hostLabel(a).localeCompare(hostLabel(b));
  const byStatus = (a: Host, b: Host) =>
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b);
  const draw = (order: (a: Host, b: Host) => number) =>
    body.replaceChildren(
      ...[...hosts].sort(order).map((x) => {
        const open = alerts.get(x.id) ?? 0;
        return h(
          'tr',
          { 'data-host': hostLabel(x), 'data-alert-count': open },
          h('td', {}, link(`#/hosts/${x.id}`, hostLabel(x))),
          h('td', {}, statusBadge(x.status)),
          h(
            'td',
            {},
            open > 0
              ? h('span', { class: 'status-CRITICAL' }, `${open} open alert${open > 1 ? 's' : ''}`)
              : '',
          ),
          ...extra.map((c) => h('td', {}, c.cell(x))),
        );
      }),
    );
  draw(byName);
  const sortButton = (label: string, order: (a: Host, b: Host) => number) =>
    h('button', { type: 'button', class: 'sort', onclick: () => draw(order) }, label);
  return h(
    'table',
    { class: 'hosts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, sortButton('host', byName)),
        h('th', {}, sortButton('status', byStatus)),
        h('th', {}, 'alerts'),
        ...extra.map((c) => h('th', {}, c.title)),
      ),
    ),
    body,
  );
}
