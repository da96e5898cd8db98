import { type Alert, type AlertGroup, api, type Channel, type Monitor, type Point } from '../api.ts';
import { chart } from '../chart.ts';
import { h, link, when } from '../dom.ts';
import { formatValue } from '../units.ts';
import { alertGroupTable } from './alert-groups.ts';
import { alertTable, hostNames, valueText } from './alert-table.ts';
import { statusBadge } from './shared.ts';

interface AlertLog {
  id: string;
  createdAt: number;
  status: string;
  trigger: string;
  targetValue: number | null;
  message?: string;
}

/** Open and recent alerts, newest first, after the open alert groups (each opens its page). */
export async function alertsView(): Promise<Node> {
  const [{ alerts }, { alertGroups }] = await Promise.all([
    api<{ alerts: Alert[] }>('/alerts', { withClosed: 'true', limit: 100 }),
    api<{ alertGroups: AlertGroup[] }>('/alert-groups'),
  ]);
  const [table, failing] = await Promise.all([alertTable(alerts), failingChannels()]);
  const open = alertGroups.filter((g) => g.isOpen);
  return h(
    'section',
    {},
    h('h1', {}, 'Alerts'),
    failing,
    open.length > 0 ? h('h2', {}, 'Open alert groups') : null,
    open.length > 0 ? alertGroupTable(open) : null,
    alerts.length === 0 ? h('p', { class: 'muted' }, 'No alerts.') : null,
    table,
  );
}

/** The graph around the alert: its monitor's metric from an hour before it opened, thresholds drawn. */
async function alertGraph(a: Alert, m: Monitor | undefined): Promise<Node | null> {
  if (!m?.metric) return null;
  const from = a.openedAt - 3600;
  const to = Math.min(Math.floor(Date.now() / 1000), (a.closedAt ?? a.openedAt) + 3600);
  const path =
    a.hostId && m.type === 'host'
      ? `/hosts/${a.hostId}/metrics`
      : m.type === 'service' && m.service
        ? `/services/${encodeURIComponent(m.service)}/metrics`
        : undefined;
  if (!path) return null;
  const { metrics } = await api<{ metrics: Point[] }>(path, { name: m.metric, from, to }).catch(() => ({
    metrics: [] as Point[],
  }));
  const lines = [
    ...(m.critical != null
      ? [{ label: `critical ${m.operator ?? ''} ${m.critical}`, value: m.critical }]
      : []),
    ...(m.warning != null
      ? [{ label: `warning ${m.operator ?? ''} ${m.warning}`, value: m.warning, color: '#e8a317' }]
      : []),
  ];
  return chart({
    title: m.metric,
    series: [{ label: m.metric, points: metrics }],
    from,
    to,
    lines,
    annotations: [{ id: a.id, title: 'opened', from: a.openedAt, to: a.closedAt ?? a.openedAt, service: '' }],
  });
}

/**
 * An anomaly alert's message names the metrics that drove its score, `head: metric value (expected
 * x), …[; note]`: listed one per line.
 */
function anomalyDrivers(message: string): Node {
  const [, list = ''] = message.split(/:\s(.*)/s);
  const [drivers = '', note] = list.split('; ');
  return h(
    'ul',
    { class: 'drivers' },
    ...drivers.split(/,\s(?=[a-zA-Z])/).map((d) => h('li', {}, d)),
    note ? h('li', { class: 'muted' }, note) : null,
  );
}

/** Close with a reason: a read-only key is told so by the API (403), shown here. */
function closeForm(a: Alert, rerender: () => void): Node {
  const reason = h('input', {
    type: 'text',
    'aria-label': 'reason',
    placeholder: 'Why it is closed',
    maxlength: 1024,
  });
  const out = h('span', { role: 'status' });
  return h(
    'form',
    {
      class: 'toolbar',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await api(`/alerts/${a.id}/close`, {}, { method: 'POST', body: { reason: reason.value } });
          rerender();
        } catch (err) {
          out.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
        }
      },
    },
    reason,
    h('button', { type: 'submit' }, 'Close alert'),
    ' ',
    out,
  );
}

/** One alert: what, where, the value, the graph around its opening with the thresholds, its log, Close. */
export async function alertView(id: string, rerender: () => void): Promise<Node> {
  const a = await api<Alert>(`/alerts/${id}`);
  const [monitor, { logs }, names] = await Promise.all([
    api<{ monitor: Monitor }>(`/monitors/${a.monitorId}`).then(
      (r) => r.monitor,
      () => undefined,
    ),
    api<{ logs: AlertLog[] }>(`/alerts/${id}/logs`),
    hostNames(a.hostId ? [a.hostId] : []),
  ]);
  const graph = await alertGraph(a, monitor);
  return h(
    'section',
    { 'data-alert': a.id },
    h('h1', {}, statusBadge(a.status), ` ${monitor?.name ?? a.type}`, a.closedAt ? ' (closed)' : ''),
    h(
      'dl',
      { class: 'facts' },
      ...[
        ['Target', a.hostId ? link(`#/hosts/${a.hostId}`, names.get(a.hostId) ?? a.hostId) : a.type],
        ['Value', valueText(a.value) || '–'],
        ...(monitor?.operator
          ? [
              [
                'Thresholds',
                `warning ${monitor.operator} ${monitor.warning ?? '–'}, critical ${monitor.operator} ${monitor.critical ?? '–'}`,
              ],
            ]
          : []),
        ['Opened', when(a.openedAt)],
        ...(a.closedAt ? [['Closed', `${when(a.closedAt)}${a.reason ? ` (${a.reason})` : ''}`]] : []),
        ...(a.message ? [['Message', a.message]] : []),
        ...(a.type === 'anomalyDetection' && a.message ? [['Driven by', anomalyDrivers(a.message)]] : []),
        ...(monitor ? [['Monitor', link(`#/monitors#${monitor.id}`, monitor.name)]] : []),
      ].flatMap(([k, v]) => [h('dt', {}, k as string), h('dd', {}, v as Node | string)]),
    ),
    a.closedAt ? null : closeForm(a, rerender),
    graph,
    h('h2', {}, 'Log'),
    h(
      'table',
      { class: 'alert-log' },
      h(
        'tbody',
        {},
        ...logs.map((l) =>
          h(
            'tr',
            {},
            h('td', {}, when(l.createdAt)),
            h('td', {}, statusBadge(l.status)),
            h('td', { class: 'number' }, l.targetValue === null ? '' : formatValue(l.targetValue)),
            h('td', {}, l.trigger),
            h('td', {}, l.message ?? ''),
          ),
        ),
      ),
    ),
  );
}

/** The body that saves a channel as it is (a PUT of it resumes a suspended channel). */
function channelBody(c: Channel): Record<string, unknown> {
  const { id: _id, suspendedAt: _s, lastDelivery: _l, ...body } = c;
  return body;
}

/** Channels that failed their last delivery or are suspended: a warning where alerts are read. */
async function failingChannels(): Promise<Node | null> {
  const { channels } = await api<{ channels: Channel[] }>('/channels');
  const failing = channels.filter((c) => c.suspendedAt || c.lastDelivery?.ok === false);
  if (failing.length === 0) return null;
  return h(
    'div',
    { class: 'card error', 'data-failing-channels': failing.length },
    h('strong', {}, 'Notifications are failing: '),
    ...failing.flatMap((c, i) => [
      i > 0 ? '; ' : '',
      `${c.name}${c.suspendedAt ? ' (suspended)' : ''}: ${c.lastDelivery?.detail ?? ''} `,
    ]),
    link('#/monitors', 'see channels'),
  );
}

/** Every channel with how its last delivery went; a suspended one can be resumed (saved again). */
function channelsTable(channels: Channel[], rerender: () => void): Node {
  return h(
    'table',
    { class: 'channels' },
    h('thead', {}, h('tr', {}, ...['channel', 'type', 'last delivery', ''].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      ...channels.map((c) => {
        const last = c.lastDelivery;
        const out = h('span', { role: 'status' });
        return h(
          'tr',
          { 'data-channel': c.name },
          h('td', {}, c.name),
          h('td', {}, c.type),
          h(
            'td',
            { class: last && !last.ok ? 'status-CRITICAL' : '' },
            last ? `${when(last.at)}: ${last.ok ? 'sent' : last.detail}` : 'none yet',
          ),
          h(
            'td',
            {},
            c.suspendedAt
              ? [
                  h('span', { class: 'status-WARNING' }, `suspended since ${when(c.suspendedAt)} `),
                  h(
                    'button',
                    {
                      type: 'button',
                      onclick: async () => {
                        try {
                          await api(`/channels/${c.id}`, {}, { method: 'PUT', body: channelBody(c) });
                          rerender();
                        } catch (err) {
                          out.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
                        }
                      },
                    },
                    'Resume',
                  ),
                  out,
                ]
              : '',
          ),
        );
      }),
    ),
  );
}

export async function monitorsView(rerender: () => void): Promise<Node> {
  const [{ monitors }, { channels }] = await Promise.all([
    api<{ monitors: Monitor[] }>('/monitors'),
    api<{ channels: Channel[] }>('/channels'),
  ]);
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
    h('h2', {}, 'Channels'),
    channelsTable(channels, rerender),
  );
}
