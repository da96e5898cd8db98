import { type Alert, api, type Host, type Monitor } from '../api.ts';
import { h, link, when } from '../dom.ts';
import { hostGraphs } from './graphs.ts';
import { hostLabel, rangePicker, statusBadge } from './shared.ts';

interface MonitoredStatus {
  monitorId: string;
  status: string;
  detail?: { type: string; message?: string };
}

type Meta = {
  'agent-version'?: string;
  cpu?: { model_name?: string }[];
  memory?: { total?: string };
  kernel?: {
    name?: string;
    release?: string;
    platform_name?: string;
    platform_version?: string;
    os?: string;
  };
  cloud?: { provider?: string };
};

/** `"8167508kB"` (the agent's meminfo) as a size a person reads. */
const memoryText = (total: string | undefined) => {
  const kb = Number.parseInt(total ?? '', 10);
  return Number.isFinite(kb) ? `${(kb / 1024 / 1024).toFixed(1)} GiB` : undefined;
};

/** What the agent told of the host in `meta` and `interfaces`, and its life: the facts people look for. */
function hostFacts(host: Host): HTMLElement {
  const meta = (host.meta ?? {}) as Meta;
  const cpus = meta.cpu ?? [];
  const k = meta.kernel ?? {};
  const addresses = (host.interfaces ?? []).flatMap((i) =>
    [
      ...new Set([
        ...(i.ipv4Addresses ?? []),
        ...(i.ipAddress ? [i.ipAddress] : []),
        ...(i.ipv6Addresses ?? []),
      ]),
    ].map((ip) => `${ip} (${i.name})`),
  );
  const facts: [string, string | undefined][] = [
    ['IP addresses', addresses.join(', ') || undefined],
    ['CPU', cpus.length > 0 ? `${cpus.length} × ${cpus[0]?.model_name ?? 'CPU'}` : undefined],
    ['Memory', memoryText(meta.memory?.total)],
    ['OS', [k.platform_name, k.platform_version].filter(Boolean).join(' ') || k.os],
    ['Kernel', [k.name, k.release].filter(Boolean).join(' ') || undefined],
    ['Agent', meta['agent-version']],
    ['Cloud', meta.cloud?.provider],
    ['Created', host.createdAt ? when(host.createdAt) : undefined],
    ['Retired', host.retiredAt ? when(host.retiredAt) : undefined],
  ];
  return h(
    'dl',
    { class: 'facts' },
    ...facts.flatMap(([name, value]) =>
      value ? [h('dt', {}, name), h('dd', { 'data-fact': name }, value)] : [],
    ),
  );
}

/** A host: what it is (addresses, CPU, memory, OS, agent, life), its graphs, roles, metadata, monitored statuses and open alerts. */
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
    hostFacts(host),
    open.length > 0
      ? h(
          'div',
          { class: 'card', 'data-open-alerts': open.length },
          h('h2', {}, 'Open alerts'),
          h(
            'ul',
            {},
            ...open.map((a) =>
              h(
                'li',
                {},
                link(`#/alerts/${a.id}`, a.status),
                ` ${a.type} since ${when(a.openedAt)} `,
                a.message ?? '',
              ),
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
