import { type Alert, api, type Host, type Monitor } from '../api.ts';
import { h, link, when } from '../dom.ts';
import { formatValue } from '../units.ts';
import { hostLabel } from './shared.ts';

/** Host names by id: live hosts from the list, a retired one read on its own. */
export async function hostNames(ids: string[]): Promise<Map<string, string>> {
  const { hosts } = await api<{ hosts: Host[] }>('/hosts');
  const names = new Map(hosts.map((x) => [x.id, hostLabel(x)]));
  const missing = [...new Set(ids)].filter((id) => !names.has(id)).slice(0, 20);
  await Promise.all(
    missing.map(async (id) => {
      const found = await api<{ host: Host }>(`/hosts/${id}`).catch(() => undefined);
      if (found) names.set(id, hostLabel(found.host));
    }),
  );
  return names;
}

export const valueText = (v: number | undefined) => (v === undefined ? '' : formatValue(v));

/** A table of alerts: status, opened, the monitor, the host by name; each opens its page. */
export async function alertTable(alerts: Alert[]): Promise<Node> {
  const [names, { monitors }] = await Promise.all([
    hostNames(alerts.flatMap((a) => (a.hostId ? [a.hostId] : []))),
    api<{ monitors: Monitor[] }>('/monitors'),
  ]);
  const monitorName = new Map(monitors.map((m) => [m.id, m.name]));
  return h(
    'table',
    { class: 'alerts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['status', 'opened', 'monitor', 'target', 'value', 'message'].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      ...alerts.map((a) =>
        h(
          'tr',
          { 'data-alert': a.id, 'data-status': a.closedAt ? 'closed' : 'open' },
          h('td', {}, link(`#/alerts/${a.id}`, a.status), a.closedAt ? ' (closed)' : ''),
          h('td', {}, when(a.openedAt)),
          h('td', {}, link(`#/monitors#${a.monitorId}`, monitorName.get(a.monitorId) ?? a.monitorId)),
          h('td', {}, a.hostId ? link(`#/hosts/${a.hostId}`, names.get(a.hostId) ?? a.hostId) : a.type),
          h('td', { class: 'number' }, valueText(a.value)),
          h('td', {}, a.message ?? ''),
        ),
      ),
    ),
  );
}
