import { api, type Host, type Point } from '../api.ts';
import { chart } from '../chart.ts';
import { h, link } from '../dom.ts';
import { groupMetrics } from '../metric-groups.ts';
import { window } from '../time.ts';
import { metricChooser, roleGraph } from './graphs.ts';
import { annotationsFor, hostLabel, rangePicker, statusBadge } from './shared.ts';

/** Hosts of a service (or one role of it). */
const hostsOf = async (service: string, role?: string) =>
  (await api<{ hosts: Host[] }>('/hosts', { service, ...(role && { role }) })).hosts;

/** A metric name list for choosers: what the first host of the set posts. */
async function namesOf(hosts: Host[]): Promise<string[]> {
  const first = hosts[0];
  return first ? (await api<{ names: string[] }>(`/hosts/${first.id}/metric-names`)).names : [];
}

/**
 * A service: its overview (the chosen metric for every role, one role read each), its own metrics,
 * and the annotations of the range on every graph.
 */
export async function serviceView(service: string, rerender: () => void): Promise<Node> {
  const { from, to } = window();
  const [{ roles }, hosts, { names: serviceNames }, annotations] = await Promise.all([
    api<{ roles: { name: string }[] }>(`/services/${encodeURIComponent(service)}/roles`),
    hostsOf(service),
    api<{ names: string[] }>(`/services/${encodeURIComponent(service)}/metric-names`),
    annotationsFor(service, from, to),
  ]);
  const names = await namesOf(hosts);
  const { chosen, select } = metricChooser(`saba.overview.${service}`, names, 'loadavg5', rerender);
  const roleGraphs = await Promise.all(
    roles.map((r) =>
      roleGraph(
        service,
        r.name,
        chosen,
        hosts.filter((x) => x.roles[service]?.includes(r.name)),
        annotations.filter((a) => !a.roles?.length || a.roles.includes(r.name)),
      ),
    ),
  );
  const groups = groupMetrics(serviceNames, []);
  const serviceSeries = await Promise.all(
    groups.map((g) =>
      Promise.all(
        g.names.map(async (name) => ({
          label: name,
          points: (
            await api<{ metrics: Point[] }>(`/services/${encodeURIComponent(service)}/metrics`, {
              name,
              from,
              to,
            })
          ).metrics,
        })),
      ),
    ),
  );
  return h(
    'section',
    {},
    h('h1', {}, `Service ${service}`),
    rangePicker(rerender),
    h('h2', {}, 'Overview ', select),
    h('div', { class: 'graphs' }, ...roleGraphs),
    groups.length > 0 ? h('h2', {}, 'Service metrics') : null,
    h(
      'div',
      { class: 'graphs' },
      ...groups.map((g, i) =>
        chart({ title: g.title, series: serviceSeries[i] ?? [], from, to, annotations }),
      ),
    ),
    h('h2', {}, 'Roles'),
    h(
      'ul',
      {},
      ...roles.map((r) =>
        h(
          'li',
          {},
          link(`#/services/${encodeURIComponent(service)}/roles/${encodeURIComponent(r.name)}`, r.name),
        ),
      ),
    ),
  );
}

/** A role: one metric of all its hosts drawn together, with a legend per host, and the host list. */
export async function roleView(service: string, role: string, rerender: () => void): Promise<Node> {
  const { from, to } = window();
  const [hosts, annotations] = await Promise.all([
    hostsOf(service, role),
    annotationsFor(service, from, to, [role]),
  ]);
  const names = await namesOf(hosts);
  const { chosen, select } = metricChooser(`saba.role.${service}:${role}`, names, 'loadavg5', rerender);
  return h(
    'section',
    {},
    h('h1', {}, link(`#/services/${encodeURIComponent(service)}`, service), ` : ${role}`),
    rangePicker(rerender),
    h('div', { class: 'toolbar' }, 'Metric ', select),
    await roleGraph(service, role, chosen, hosts, annotations),
    h('h2', {}, `Hosts (${hosts.length})`),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...hosts.map((x) =>
          h('tr', {}, h('td', {}, link(`#/hosts/${x.id}`, hostLabel(x))), h('td', {}, statusBadge(x.status))),
        ),
      ),
    ),
  );
}
