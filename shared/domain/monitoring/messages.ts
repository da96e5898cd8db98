import type { AlertEvent, AlertGroupEvent } from './notification.ts';

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
  const target = e.host
    ? ` on ${e.host.name}`
    : e.service
      ? ` on ${e.service}`
      : e.alert.series && e.alert.message
        ? ` on ${e.alert.message}`
        : '';
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
    ...(e.alert.series
      ? [`Series:       ${e.alert.message ?? e.alert.series.name} ${JSON.stringify(e.alert.series.labels)}`]
      : []),
    ...(e.monitor.query ? [`Query:        ${e.monitor.query}`] : []),
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
    ...(e.alert.series && { metric: { name: e.alert.series.name, labels: e.alert.series.labels } }),
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

const GROUP_KIND_WORD = {
  open: 'Alert group opened',
  renotify: 'Alert group still open',
  close: 'Alert group closed',
} as const;

export function alertGroupLink(e: AlertGroupEvent): string | undefined {
  return e.consoleUrl ? `${e.consoleUrl.replace(/\/$/, '')}/#/alert-groups/${e.group.id}` : undefined;
}

/** The alert that opened or closed a group, in one line. */
function groupAlertLine(e: AlertGroupEvent): string | undefined {
  const a = e.alert;
  if (!a) return undefined;
  const where = a.hostName ? ` on ${a.hostName}` : a.service ? ` on ${a.service}` : '';
  return `${a.status} ${a.monitorName}${where}${a.message ? `: ${a.message}` : ''}`;
}

export function alertGroupTitle(e: AlertGroupEvent): string {
  return `[saba] [${e.orgName}] ${e.group.status}: alert group ${e.setting.name}`;
}

const alertCount = (n: number) => `${n} alert${n === 1 ? '' : 's'}`;

export function alertGroupEmailText(e: AlertGroupEvent): string {
  const link = alertGroupLink(e);
  const line = groupAlertLine(e);
  const lines = [
    `${GROUP_KIND_WORD[e.kind]}: ${e.setting.name}`,
    '',
    `Status:       ${e.group.status}`,
    `Open alerts:  ${e.group.openAlerts} (of ${alertCount(e.group.alerts)} in the group)`,
    ...(line ? [`${e.kind === 'close' ? 'Last closed:  ' : 'Alert:        '}${line}`] : []),
    `Opened:       ${iso(e.group.openedAt)}`,
    ...(e.group.closedAt !== undefined ? [`Closed:       ${iso(e.group.closedAt)}`] : []),
    `Alert group:  ${e.group.id}`,
    ...(link ? [`Link:         ${link}`] : []),
    ...(e.setting.memo ? ['', e.setting.memo] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** saba's webhook body for `event: "alertGroup"` (Mackerel does not document its own). */
export function alertGroupWebhookPayload(e: AlertGroupEvent): Record<string, unknown> {
  return {
    orgName: e.orgName,
    event: 'alertGroup',
    memo: e.setting.memo ?? '',
    alertGroupSetting: { id: e.setting.id, name: e.setting.name },
    alertGroup: {
      id: e.group.id,
      url: alertGroupLink(e) ?? null,
      status: e.group.status.toLowerCase(),
      isOpen: e.group.isOpen,
      openedAt: e.group.openedAt,
      ...(e.group.closedAt !== undefined && { closedAt: e.group.closedAt }),
      statusChangedAt: e.at,
      openAlerts: e.group.openAlerts,
      alerts: e.group.alerts,
    },
    ...(e.alert && {
      alert: {
        id: e.alert.id,
        status: e.alert.status.toLowerCase(),
        monitorName: e.alert.monitorName,
        ...(e.alert.hostName !== undefined && { hostName: e.alert.hostName }),
        ...(e.alert.service !== undefined && { service: e.alert.service }),
        ...(e.alert.message !== undefined && { message: e.alert.message }),
      },
    }),
  };
}

export function alertGroupSlackPayload(e: AlertGroupEvent, mention?: string): Record<string, unknown> {
  const link = alertGroupLink(e);
  const line = groupAlertLine(e);
  return {
    text: `${mention ? `${mention} ` : ''}${alertGroupTitle(e)}`,
    attachments: [
      {
        color: COLORS[e.group.status as keyof typeof COLORS] ?? COLORS.UNKNOWN,
        title: `${GROUP_KIND_WORD[e.kind]}: ${e.setting.name} (${e.group.openAlerts} open of ${alertCount(e.group.alerts)})`,
        ...(link && { title_link: link }),
        ...(line && { text: line }),
        ts: e.at,
      },
    ],
  };
}
