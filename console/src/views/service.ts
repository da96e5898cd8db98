import { type AnomalyDriver, api, type GraphDef, type Host, type Point, type RoleAnomalies } from '../api.ts';
import { chart } from '../chart.ts';
import { h, link } from '../dom.ts';
import { groupMetrics } from '../metric-groups.ts';
import { window } from '../time.ts';
import { metricChooser, roleGraph } from './graphs.ts';
import { annotationsFor, hostLabel, hostTable, openAlertsByHost, rangePicker } from './shared.ts';

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

/**
 * Makes a link to this graph that anyone can open for 30 days (a write key is needed; the link can
 * be revoked with DELETE /api/v0/embeds/<id>).
 */
function embedButton(service: string, role: string, metric: string): HTMLElement {
  const out = h('span', { class: 'embed-link' });
  const button = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        const { from, to } = window();
        try {
          const { url } = await api<{ url: string }>(
            '/embeds',
            {},
            {
              method: 'POST',
              body: {
                title: `${service}:${role} ${metric}`,
                graph: { type: 'role', roleFullname: `${service}:${role}`, name: metric },
                range: { type: 'relative', period: to - from },
                expiresAt: Math.floor(Date.now() / 1000) + 30 * 86400,
              },
            },
          );
          const full = `${location.origin}${url}`;
          out.replaceChildren(
            h('a', { href: full, target: '_blank', rel: 'noopener' }, 'embed link (30 days)'),
          );
        } catch (err) {
          out.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
        }
      },
    },
    'Embed',
  );
  return h('span', {}, button, ' ', out);
}

/** The metric a role graph shows of a group first: what Mackerel's role graphs lead with. */
const LEADING = ['loadavg5', 'cpu.user.percentage', 'memory.used'];

/**
 * A role: every graph of the role at once (loadavg, cpu, memory, disk, interface, filesystem, each
 * custom graph), each with every host overlaid so the odd one out shows, one read per graph. Each
 * graph can switch to another metric of its group (remembered), and be embedded. Then its hosts.
 */
export async function roleView(service: string, role: string, rerender: () => void): Promise<Node> {
  const { from, to } = window();
  const roleHosts = hostsOf(service, role);
  const [hosts, names, annotations, { graphDefs }, alerts, { anomalyDetection }] = await Promise.all([
    roleHosts,
    roleHosts.then(namesOf),
    annotationsFor(service, from, to, [role]),
    api<{ graphDefs: GraphDef[] }>('/graph-defs'),
    openAlertsByHost(),
    api<{ anomalyDetection: RoleAnomalies | null }>(
      `/services/${encodeURIComponent(service)}/roles/${encodeURIComponent(role)}/anomalies`,
    ),
  ]);
  const groups = groupMetrics(names, graphDefs);
  // The page is drawn at once; each graph fills its place as its one read returns.
  const graphs = groups.map((g) => {
    const fallback = LEADING.find((n) => g.names.includes(n)) ?? g.names[0] ?? '';
    const { chosen, select } = metricChooser(
      `saba.role.${service}:${role}.${g.title}`,
      g.names,
      fallback,
      rerender,
    );
    const place = h('div', { class: 'graph' }, h('h3', {}, g.title), h('p', { class: 'muted' }, 'Loading…'));
    roleGraph(service, role, chosen, hosts, annotations, { title: g.title, unit: g.unit }).then(
      (graph) => {
        graph.append(
          h(
            'div',
            { class: 'toolbar' },
            g.names.length > 1 ? select : null,
            embedButton(service, role, chosen),
          ),
        );
        place.replaceWith(graph);
      },
      (err: Error) => place.append(h('p', { class: 'error' }, err.message)),
    );
    return place;
  });
  return h(
    'section',
    {},
    h('h1', {}, link(`#/services/${encodeURIComponent(service)}`, service), ` : ${role}`),
    rangePicker(rerender),
    anomalyCard(anomalyDetection, hosts),
    groups.length === 0 ? h('p', { class: 'muted' }, 'No metrics yet.') : null,
    h('div', { class: 'graphs' }, ...graphs),
    h('h2', {}, `Hosts (${hosts.length})`),
    hostTable(hosts, alerts, anomalyDetection ? [anomalyColumn(anomalyDetection)] : []),
  );
}

const driversText = (drivers: AnomalyDriver[]) =>
  drivers.map((d) => `${d.label} ${d.value} (expected ${d.expected})`).join(', ');

/** The hosts the role's anomaly detection monitor finds odd now, with what drove each score. */
function anomalyCard(a: RoleAnomalies | null, hosts: Host[]): Node | null {
  if (!a) return null;
  const odd = a.hosts.filter((x) => x.odd);
  const label = new Map(hosts.map((x) => [x.id, hostLabel(x)]));
  return h(
    'div',
    { class: odd.length > 0 ? 'card error' : 'card', 'data-anomalies': odd.length },
    h('strong', {}, `Anomaly detection (${a.monitor.name}): `),
    a.hosts.length === 0
      ? 'no host scored yet (scores start with the next posts).'
      : odd.length === 0
        ? `every host behaves like its peers and its past (${a.hosts.length} scored).`
        : h(
            'ul',
            {},
            ...odd.map((x) =>
              h(
                'li',
                { 'data-odd-host': label.get(x.hostId) ?? x.hostId },
                link(`#/hosts/${x.hostId}`, label.get(x.hostId) ?? x.hostId),
                ` score ${x.score.toFixed(1)}: `,
                x.flatMinutes > 0 ? `metrics unchanged for ${x.flatMinutes} min; ` : '',
                driversText(x.drivers),
                x.peersOnly ? ' (no model for it yet: judged against its peers only)' : '',
              ),
            ),
          ),
  );
}

/** A host table column: the host's anomaly score now, marked when the model finds it odd. */
function anomalyColumn(a: RoleAnomalies) {
  const byHost = new Map(a.hosts.map((x) => [x.hostId, x]));
  return {
    title: 'anomaly',
    cell: (host: Host) => {
      const x = byHost.get(host.id);
      if (!x) return '';
      return x.odd
        ? h(
            'span',
            { class: 'status-CRITICAL', title: driversText(x.drivers) },
            `odd (${x.score.toFixed(1)})`,
          )
        : h('span', { class: 'muted' }, x.score.toFixed(1));
    },
  };
}
