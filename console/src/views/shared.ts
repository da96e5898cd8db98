import { type Annotation, api, type Host } from '../api.ts';
import { h } from '../dom.ts';
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
