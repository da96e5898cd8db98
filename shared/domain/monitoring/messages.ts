import type { AlertEvent } from './notification.ts';

const KIND_WORD = {
  open: 'Alert',
  change: 'Alert status changed',
  renotify: 'Still alerting',
  close: 'Recovered',
} as const;

function what(e: AlertEvent): string {
  const m = e.monitor;
  if (e.alert.type === 'connectivity') return `${e.host?.name ?? 'host'} stopped posting metrics`;
  if (e.alert.type === 'check') return `${m.name}: ${e.alert.message?.trim() || e.alert.status}`;
  if (e.alert.message) return `${m.name}: ${e.alert.message}`;
  if (e.alert.value !== undefined && m.operator) {
    const limit = threshold(e);
    return `${m.metric ?? m.name} ${formatNumber(e.alert.value)}${limit !== undefined ? ` ${m.operator} ${formatNumber(limit)}` : ''}`;
  }
  return m.name;
}

/** The threshold the alert's status crossed (critical or warning), when the monitor has one. */
function threshold(e: AlertEvent): number | undefined {
  const limit = e.alert.status === 'CRITICAL' ? e.monitor.critical : e.monitor.warning;
  return limit ?? undefined;
}

const formatNumber = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function alertLink(e: AlertEvent): string | undefined {
  return e.consoleUrl ? `${e.consoleUrl.replace(/\/$/, '')}/#/alerts/${e.alert.id}` : undefined;
}

/** One line a person reads first: status, subject, organization. */
export function alertTitle(e: AlertEvent): string {
  const status = e.kind === 'close' ? 'OK' : e.alert.status;
  const target = e.host ? ` on ${e.host.name}` : e.service ? ` on ${e.service}` : '';
  return `[saba] [${e.orgName}] ${status}: ${e.monitor.name}${target}`;
}

export function emailText(e: AlertEvent): string {
  const lines = [
    `${KIND_WORD[e.kind]}: ${what(e)}`,
    '',
    `Status:       ${e.kind === 'close' ? 'OK' : e.alert.status}`,
    `Monitor:      ${e.monitor.name} (${e.monitor.type})`,
    ...(e.host ? [`Host:         ${e.host.name} (${e.host.id}, ${e.host.status})`] : []),
    ...(e.host?.roles.length
      ? [`Roles:        ${e.host.roles.map((r) => `${r.service}:${r.role}`).join(', ')}`]
      : []),
    ...(e.service ? [`Service:      ${e.service}`] : []),
    ...(e.alert.value !== undefined ? [`Value:        ${formatNumber(e.alert.value)}`] : []),
    ...(e.monitor.operator && threshold(e) !== undefined && e.kind !== 'close'
      ? [`Threshold:    ${e.monitor.operator} ${formatNumber(threshold(e) as number)} (${e.alert.status})`]
      : []),
    `Opened:       ${iso(e.alert.openedAt)}`,
    ...(e.alert.closedAt !== undefined
      ? [`Closed:       ${iso(e.alert.closedAt)}${e.alert.reason ? ` (${e.alert.reason})` : ''}`]
      : []),
    `Alert:        ${e.alert.id}`,
    ...(alertLink(e) ? [`Link:         ${alertLink(e)}`] : []),
    ...(e.monitor.memo ? ['', e.monitor.memo] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Mackerel's webhook body for `event: "alert"` (lowercase status, createdAt in milliseconds). */
export function webhookPayload(e: AlertEvent): Record<string, unknown> {
  const a = e.alert;
  const m = e.monitor;
  return {
    orgName: e.orgName,
    event: 'alert',
    type: a.type,
    message: what(e),
    memo: m.memo ?? '',
    imageUrl: null,
    ...(e.host && {
      host: {
        id: e.host.id,
        name: e.host.name,
        url: e.consoleUrl ? `${e.consoleUrl}/#/hosts/${e.host.id}` : null,
        status: e.host.status,
        memo: e.host.memo,
        isRetired: e.host.isRetired,
        roles: e.host.roles.map((r) => ({
          fullname: `${r.service}: ${r.role}`,
          serviceName: r.service,
          roleName: r.role,
        })),
      },
    }),
    ...(e.service && { service: { name: e.service } }),
    alert: {
      id: a.id,
      url: alertLink(e) ?? null,
      status: (e.kind === 'close' ? 'OK' : a.status).toLowerCase(),
      isOpen: a.isOpen,
      trigger: a.trigger === 'monitoring' ? 'monitor' : a.trigger,
      openedAt: a.openedAt,
      ...(a.closedAt !== undefined && { closedAt: a.closedAt }),
      statusChangedAt: e.at,
      createdAt: a.openedAt * 1000,
      monitorName: m.name,
      ...(m.metric !== undefined && { metricLabel: m.metric }),
      ...(a.value !== undefined && { metricValue: a.value }),
      ...(m.critical != null && { criticalThreshold: m.critical }),
      ...(m.warning != null && { warningThreshold: m.warning }),
      ...(m.operator !== undefined && { monitorOperator: m.operator }),
      ...(m.duration !== undefined && { duration: m.duration }),
    },
  };
}

const COLORS = { OK: '#2eb886', WARNING: '#e8a317', CRITICAL: '#d00000', UNKNOWN: '#999999' } as const;

/** A Slack incoming-webhook message: a readable line, a colored attachment, a link to the alert. */
export function slackPayload(e: AlertEvent, mention?: string): Record<string, unknown> {
  const status = (e.kind === 'close' ? 'OK' : e.alert.status) as keyof typeof COLORS;
  const link = alertLink(e);
  return {
    text: `${mention ? `${mention} ` : ''}${alertTitle(e)}`,
    attachments: [
      {
        color: COLORS[status] ?? COLORS.UNKNOWN,
        title: `${KIND_WORD[e.kind]}: ${what(e)}`,
        ...(link && { title_link: link }),
        fields: [
          { title: 'Monitor', value: e.monitor.name, short: true },
          ...(e.host ? [{ title: 'Host', value: e.host.name, short: true }] : []),
          ...(e.service ? [{ title: 'Service', value: e.service, short: true }] : []),
        ],
        ts: e.at,
      },
    ],
  };
}
