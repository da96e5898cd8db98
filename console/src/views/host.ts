import { type Alert, api, type Host, type Monitor } from '../api.ts';
import { h, link, when } from '../dom.ts';
import { hostGraphs } from './graphs.ts';
import { hostLabel, rangePicker, statusBadge } from './shared.ts';

interface MonitoredStatus {
  monitorId: string;
  status: string;
  detail?: { type: string; message?: string };
}

/** A host: its graphs, roles, metadata namespaces, monitored statuses and open alerts. */
export async function hostView(hostId: string, rerender: () => void): Promise<Node> {
  const { host } = await api<{ host: Host }>(`/hosts/${hostId}`);
  const [graphs, { monitoredStatuses }, { alerts }, { metadata }, { monitors }] = await Promise.all([
    hostGraphs(host),
    api<{ monitoredStatuses: MonitoredStatus[] }>(`/hosts/${hostId}/monitored-statuses`),
    api<{ alerts: Alert[] }>('/alerts', { limit: 100 }),
    api<{ metadata: { namespace: string }[] }>(`/hosts/${hostId}/metadata`),
    api<{ monitors: Monitor[] }>('/monitors'),
  ]);
  const monitorName = new Map(monitors.map((m) => [m.id, m.name]));
  const open = alerts.filter((a) => a.hostId === hostId);
  const roles = Object.entries(host.roles).flatMap(([s, rs]) =>
    rs.map((r) => link(`#/services/${encodeURIComponent(s)}/roles/${encodeURIComponent(r)}`, `${s}:${r}`)),
  );
  return h(
    'section',
    {},
    h('h1', {}, hostLabel(host), ' ', statusBadge(host.status)),
    h(
      'p',
      {},
      'Roles: ',
      ...roles.flatMap((r, i) => (i === 0 ? [r] : [', ', r])),
      roles.length === 0 ? 'none' : null,
    ),
    host.memo ? h('p', { class: 'muted' }, host.memo) : null,
    open.length > 0
      ? h(
          'div',
          { class: 'card', 'data-open-alerts': open.length },
          h('h2', {}, 'Open alerts'),
          h(
            'ul',
            {},
            ...open.map((a) =>
              h('li', {}, statusBadge(a.status), ` ${a.type} since ${when(a.openedAt)} `, a.message ?? ''),
            ),
          ),
        )
      : null,
    rangePicker(rerender),
    graphs,
    h('h2', {}, 'Monitored'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...monitoredStatuses.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, link(`#/monitors#${m.monitorId}`, monitorName.get(m.monitorId) ?? m.monitorId)),
            h('td', {}, statusBadge(m.status)),
            h('td', {}, m.detail?.message ?? ''),
          ),
        ),
      ),
    ),
    h('h2', {}, 'Metadata'),
    metadata.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : h('ul', {}, ...metadata.map((m) => h('li', {}, m.namespace))),
  );
}
