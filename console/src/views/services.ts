import { api, type Host } from '../api.ts';
import { h, link } from '../dom.ts';
import { hostLabel, statusBadge } from './shared.ts';

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

/** Every live host, with a search over names, roles and statuses. */
export async function hostsView(): Promise<Node> {
  const { hosts } = await api<{ hosts: Host[] }>('/hosts');
  const body = h('tbody', {});
  const rows = hosts.map((host) => {
    const roles = Object.entries(host.roles).flatMap(([s, rs]) => rs.map((r) => `${s}:${r}`));
    const row = h(
      'tr',
      {},
      h('td', {}, link(`#/hosts/${host.id}`, hostLabel(host))),
      h('td', {}, statusBadge(host.status)),
      h('td', {}, roles.join(', ')),
    );
    return {
      row,
      text: `${host.name} ${host.displayName ?? ''} ${host.status} ${roles.join(' ')}`.toLowerCase(),
    };
  });
  const show = (q: string) =>
    body.replaceChildren(...rows.filter((r) => r.text.includes(q.toLowerCase())).map((r) => r.row));
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
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'host'), h('th', {}, 'status'), h('th', {}, 'roles'))),
      body,
    ),
  );
}
