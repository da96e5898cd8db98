import { type Alert, api, type Monitor } from '../api.ts';
import { h, link, when } from '../dom.ts';
import { statusBadge } from './shared.ts';

/** Open and recent alerts, newest first, each linked to its host or its monitor. */
export async function alertsView(): Promise<Node> {
  const [{ alerts }, { monitors }] = await Promise.all([
    api<{ alerts: Alert[] }>('/alerts', { withClosed: 'true', limit: 100 }),
    api<{ monitors: Monitor[] }>('/monitors'),
  ]);
  const monitorName = new Map(monitors.map((m) => [m.id, m.name]));
  return h(
    'section',
    {},
    h('h1', {}, 'Alerts'),
    alerts.length === 0 ? h('p', { class: 'muted' }, 'No alerts.') : null,
    h(
      'table',
      { class: 'alerts' },
      h(
        'thead',
        {},
        h('tr', {}, ...['status', 'opened', 'monitor', 'target', 'message'].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        ...alerts.map((a) =>
          h(
            'tr',
            { 'data-alert': a.id, 'data-status': a.closedAt ? 'closed' : 'open' },
            h('td', {}, statusBadge(a.status), a.closedAt ? ' (closed)' : ''),
            h('td', {}, when(a.openedAt)),
            h('td', {}, link(`#/monitors#${a.monitorId}`, monitorName.get(a.monitorId) ?? a.monitorId)),
            h('td', {}, a.hostId ? link(`#/hosts/${a.hostId}`, a.hostId) : a.type),
            h('td', {}, a.message ?? ''),
          ),
        ),
      ),
    ),
  );
}

export async function monitorsView(): Promise<Node> {
  const { monitors } = await api<{ monitors: Monitor[] }>('/monitors');
  return h(
    'section',
    {},
    h('h1', {}, 'Monitors'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['name', 'type', 'metric', 'muted'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...monitors.map((m) =>
          h(
            'tr',
            { id: m.id },
            h('td', {}, m.name),
            h('td', {}, m.type),
            h('td', {}, m.metric ?? ''),
            h('td', {}, m.isMute ? 'yes' : ''),
          ),
        ),
      ),
    ),
  );
}
