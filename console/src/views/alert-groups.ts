import { type Alert, type AlertGroup, api } from '../api.ts';
import { h, link, when } from '../dom.ts';
import { alertTable } from './alert-table.ts';
import { statusBadge } from './shared.ts';

/** Groups, one a row: status, the setting, open alerts of all, opened and closed; each opens its page. */
export function alertGroupTable(groups: AlertGroup[]): Node {
  return h(
    'table',
    { class: 'alert-groups' },
    h(
      'thead',
      {},
      h('tr', {}, ...['status', 'alert group', 'alerts', 'opened', 'closed'].map((t) => h('th', {}, t))),
    ),
    h(
      'tbody',
      {},
      ...groups.map((g) =>
        h(
          'tr',
          { 'data-alert-group': g.id, 'data-group-status': g.isOpen ? 'open' : 'closed' },
          h('td', {}, statusBadge(g.status)),
          h('td', {}, link(`#/alert-groups/${g.id}`, g.settingName)),
          h('td', { class: 'number' }, `${Object.keys(g.openAlerts).length} open of ${g.alertIds.length}`),
          h('td', {}, when(g.openedAt)),
          h('td', {}, g.closedAt ? when(g.closedAt) : ''),
        ),
      ),
    ),
  );
}

/** Every alert group, open ones first, newest first. */
export async function alertGroupsView(): Promise<Node> {
  const { alertGroups } = await api<{ alertGroups: AlertGroup[] }>('/alert-groups');
  return h(
    'section',
    {},
    h('h1', {}, 'Alert groups'),
    alertGroups.length === 0
      ? h('p', { class: 'muted' }, 'No alert groups. Alert group settings gather alerts into groups.')
      : alertGroupTable(alertGroups),
  );
}

/** One group: its setting, its status and times, and its alerts. */
export async function alertGroupView(id: string): Promise<Node> {
  const { alertGroup: g, alerts } = await api<{ alertGroup: AlertGroup; alerts: Alert[] }>(
    `/alert-groups/${encodeURIComponent(id)}`,
  );
  return h(
    'section',
    { 'data-alert-group': g.id },
    h('h1', {}, 'Alert group: ', g.settingName, ' ', statusBadge(g.status)),
    h(
      'p',
      {},
      `${g.isOpen ? 'Open' : 'Closed'} · opened ${when(g.openedAt)}`,
      g.closedAt ? ` · closed ${when(g.closedAt)}` : '',
      ` · ${Object.keys(g.openAlerts).length} open of ${g.alertIds.length} alerts`,
    ),
    await alertTable(alerts),
  );
}
