import { api, type Host } from '../api.ts';
import { h, link } from '../dom.ts';
import { hostTable, openAlertsByHost } from './shared.ts';

interface Service {
  name: string;
  memo: string;
  roles: string[];
}

/** Services with their roles: the way into everything else. */
export async function servicesView(): Promise<Node> {
  const { services } = await api<{ services: Service[] }>('/services');
  return h(
    'section',
    {},
    h('h1', {}, 'Services'),
    services.length === 0 ? h('p', { class: 'muted' }, 'No services yet: hosts get them from roles.') : null,
    h(
      'div',
      { class: 'cards' },
      ...services.map((s) =>
        h(
          'div',
          { class: 'card' },
          h('h2', {}, link(`#/services/${encodeURIComponent(s.name)}`, s.name)),
          s.memo ? h('p', { class: 'muted' }, s.memo) : null,
          h(
            'ul',
            {},
            ...s.roles.map((r) =>
              h('li', {}, link(`#/services/${encodeURIComponent(s.name)}/roles/${encodeURIComponent(r)}`, r)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Every live host, sorted by name (or status), marked with open alerts, with a search over names, roles and statuses. */
export async function hostsView(): Promise<Node> {
  const [{ hosts }, alerts] = await Promise.all([api<{ hosts: Host[] }>('/hosts'), openAlertsByHost()]);
  const rolesOf = (host: Host) => Object.entries(host.roles).flatMap(([s, rs]) => rs.map((r) => `${s}:${r}`));
  const text = (host: Host) =>
    `${host.name} ${host.displayName ?? ''} ${host.status} ${rolesOf(host).join(' ')}`.toLowerCase();
  const holder = h('div', {});
  const show = (q: string) =>
    holder.replaceChildren(
      hostTable(
        hosts.filter((x) => text(x).includes(q.toLowerCase())),
        alerts,
        [{ title: 'roles', cell: (x) => rolesOf(x).join(', ') }],
      ),
    );
  show('');
  return h(
    'section',
    {},
    h('h1', {}, `Hosts (${hosts.length})`),
    h('input', {
      type: 'search',
      placeholder: 'Search hosts, roles, statuses',
      'aria-label': 'search hosts',
      oninput: (e: Event) => show((e.target as HTMLInputElement).value),
    }),
    holder,
  );
}
