/**
 * The one route table. The local server and the CDK HTTP API are both built from it, so they
 * cannot drift. Pure data: CDK imports it without pulling in any handler code.
 *
 * `{name}` matches one path segment; `{name+}` the rest of the path (API Gateway's greedy form).
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type FunctionName = 'api' | 'ingest';

export interface RouteSpec {
  method: Method;
  path: string;
  op: string;
  permission: 'read' | 'write';
  fn: FunctionName;
  /** A larger body limit than every other route's 4 MiB (OTLP's 6 MB). */
  maxBodyBytes?: number;
}

/** Mackerel's OTLP limit: 6 MB a request. */
export const OTLP_MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Keeps `op` and `fn` as literal types, so a route without an operation fails to compile. */
const route =
  <F extends FunctionName>(fn: F, prefix = '/api/v0') =>
  <O extends string>(method: Method, path: string, op: O, permission?: 'read' | 'write') => ({
    method,
    path: `${prefix}${path}`,
    op,
    permission: permission ?? (method === 'GET' ? ('read' as const) : ('write' as const)),
    fn,
  });
const api = route('api');
/** The hot path (every agent, every minute) has a function of its own. */
const ingest = route('ingest');
/** Prometheus's HTTP API (reads; Grafana POSTs its queries as forms) and OpenTelemetry's OTLP/HTTP. */
const prometheus = route('api', '/api/v1');
const otlp = route('ingest', '');

export const ROUTES = [
  api('GET', '/org', 'getOrg'),

  api('GET', '/hosts', 'listHosts'),
  api('GET', '/hosts.json', 'listHosts'),
  api('POST', '/hosts', 'registerHost'),
  api('GET', '/hosts/{hostId}', 'getHost'),
  api('PUT', '/hosts/{hostId}', 'updateHost'),
  api('POST', '/hosts/{hostId}/status', 'setHostStatus'),
  api('POST', '/hosts/bulk-update-statuses', 'bulkSetHostStatus'),
  api('PUT', '/hosts/{hostId}/role-fullnames', 'replaceHostRoles'),
  api('POST', '/hosts/{hostId}/retire', 'retireHost'),
  api('POST', '/hosts/bulk-retire', 'bulkRetireHosts'),
  api('GET', '/hosts-by-custom-identifier/{customIdentifier+}', 'findHostByCustomIdentifier'),
  api('GET', '/hosts/{hostId}/metric-names', 'listHostMetricNames'),
  api('GET', '/hosts/{hostId}/metrics', 'readHostMetric'),

  ingest('POST', '/tsdb', 'postHostMetrics'),
  ingest('POST', '/services/{serviceName}/tsdb', 'postServiceMetrics'),
  api('GET', '/tsdb/latest', 'readLatestValues'),
  api('GET', '/services/{serviceName}/metric-names', 'listServiceMetricNames'),
  api('GET', '/services/{serviceName}/metrics', 'readServiceMetric'),
  /** saba's role graph read: one metric for every host of the role (not in Mackerel's API). */
  api('GET', '/services/{serviceName}/roles/{roleName}/metrics', 'readRoleMetric'),
  /** saba's read of a role's anomaly scores now, for the role page (not in Mackerel's API). */
  api('GET', '/services/{serviceName}/roles/{roleName}/anomalies', 'roleAnomalies'),
  /** saba's expression graph read: `{series: [[points]]}` (not in Mackerel's API). */
  api('GET', '/expression', 'readExpression'),

  /** saba's read of the graph definitions the agent and plugins created (not in Mackerel's API). */
  api('GET', '/graph-defs', 'listGraphDefs'),
  api('POST', '/graph-defs/create', 'createGraphDefs'),
  api('DELETE', '/graph-defs', 'deleteGraphDef'),
  api('DELETE', '/services/{serviceName}/graph-defs/{graphName}', 'deleteServiceGraphDef'),
  api('GET', '/graph-annotations', 'listGraphAnnotations'),
  api('POST', '/graph-annotations', 'createGraphAnnotation'),
  api('PUT', '/graph-annotations/{annotationId}', 'updateGraphAnnotation'),
  api('DELETE', '/graph-annotations/{annotationId}', 'deleteGraphAnnotation'),

  ingest('POST', '/monitoring/checks/report', 'reportChecks'),
  api('GET', '/monitoring/checks', 'listCheckMonitors'),
  api('GET', '/monitoring/checks/{monitorId}', 'getCheckMonitor'),
  api('GET', '/hosts/{hostId}/monitored-statuses', 'listMonitoredStatuses'),
  api('GET', '/monitors', 'listMonitors'),
  api('POST', '/monitors', 'createMonitor'),
  api('GET', '/monitors/{monitorId}', 'getMonitor'),
  api('PUT', '/monitors/{monitorId}', 'updateMonitor'),
  api('DELETE', '/monitors/{monitorId}', 'deleteMonitor'),
  api('GET', '/alerts', 'listAlerts'),
  api('GET', '/alerts/{alertId}', 'getAlert'),
  api('PUT', '/alerts/{alertId}', 'updateAlert'),
  api('POST', '/alerts/{alertId}/close', 'closeAlert'),
  api('GET', '/alerts/{alertId}/logs', 'listAlertLogs'),

  api('GET', '/channels', 'listChannels'),
  api('POST', '/channels', 'createChannel'),
  api('PUT', '/channels/{channelId}', 'updateChannel'),
  api('DELETE', '/channels/{channelId}', 'deleteChannel'),
  api('GET', '/notification-groups', 'listNotificationGroups'),
  api('POST', '/notification-groups', 'createNotificationGroup'),
  api('PUT', '/notification-groups/{groupId}', 'updateNotificationGroup'),
  api('DELETE', '/notification-groups/{groupId}', 'deleteNotificationGroup'),
  api('GET', '/dashboards', 'listDashboards'),
  api('POST', '/dashboards', 'createDashboard'),
  api('GET', '/dashboards/{dashboardId}', 'getDashboard'),
  api('PUT', '/dashboards/{dashboardId}', 'updateDashboard'),
  api('DELETE', '/dashboards/{dashboardId}', 'deleteDashboard'),
  /** saba's embeddable graphs (not in Mackerel's API); the links themselves are GET /embed/<token>. */
  api('GET', '/embeds', 'listEmbeds'),
  api('POST', '/embeds', 'createEmbed'),
  api('DELETE', '/embeds/{embedId}', 'revokeEmbed'),
  api('GET', '/downtimes', 'listDowntimes'),
  api('POST', '/downtimes', 'createDowntime'),
  api('PUT', '/downtimes/{downtimeId}', 'updateDowntime'),
  api('DELETE', '/downtimes/{downtimeId}', 'deleteDowntime'),
  { ...otlp('POST', '/v1/metrics', 'exportOtlpMetrics'), maxBodyBytes: OTLP_MAX_BODY_BYTES },
  prometheus('GET', '/query', 'promQuery'),
  prometheus('POST', '/query', 'promQuery', 'read'),
  prometheus('GET', '/query_range', 'promQueryRange'),
  prometheus('POST', '/query_range', 'promQueryRange', 'read'),
  prometheus('GET', '/series', 'promSeries'),
  prometheus('POST', '/series', 'promSeries', 'read'),
  prometheus('GET', '/labels', 'promLabels'),
  prometheus('POST', '/labels', 'promLabels', 'read'),
  prometheus('GET', '/label/{labelName}/values', 'promLabelValues'),
  prometheus('GET', '/status/buildinfo', 'promBuildInfo'),
  prometheus('GET', '/metadata', 'promMetadata'),

  api('GET', '/alert-group-settings', 'listAlertGroupSettings'),
  api('POST', '/alert-group-settings', 'createAlertGroupSetting'),
  api('GET', '/alert-group-settings/{settingId}', 'getAlertGroupSetting'),
  api('PUT', '/alert-group-settings/{settingId}', 'updateAlertGroupSetting'),
  api('DELETE', '/alert-group-settings/{settingId}', 'deleteAlertGroupSetting'),
  /** saba's: the groups themselves (Mackerel shows them in its web UI only). */
  api('GET', '/alert-groups', 'listAlertGroups'),
  api('GET', '/alert-groups/{alertGroupId}', 'getAlertGroup'),

  api('GET', '/aws-integrations', 'listAwsIntegrations'),
  api('POST', '/aws-integrations', 'createAwsIntegration'),
  api('GET', '/aws-integrations/{integrationId}', 'getAwsIntegration'),
  api('PUT', '/aws-integrations/{integrationId}', 'updateAwsIntegration'),
  api('DELETE', '/aws-integrations/{integrationId}', 'deleteAwsIntegration'),
  api('POST', '/aws-integrations-external-id', 'createAwsExternalId'),
  api('GET', '/aws-integrations-excludable-metrics', 'listAwsExcludableMetrics'),

  api('GET', '/users', 'listUsers'),
  api('DELETE', '/users/{userId}', 'deleteUser'),
  api('GET', '/invitations', 'listInvitations'),
  api('POST', '/invitations', 'createInvitation'),
  api('POST', '/invitations/revoke', 'revokeInvitation'),

  api('GET', '/hosts/{hostId}/metadata', 'listHostMetadata'),
  api('GET', '/hosts/{hostId}/metadata/{namespace}', 'getHostMetadata'),
  api('PUT', '/hosts/{hostId}/metadata/{namespace}', 'putHostMetadata'),
  api('DELETE', '/hosts/{hostId}/metadata/{namespace}', 'deleteHostMetadata'),

  api('GET', '/services', 'listServices'),
  api('POST', '/services', 'createService'),
  api('DELETE', '/services/{serviceName}', 'deleteService'),
  api('GET', '/services/{serviceName}/roles', 'listRoles'),
  api('POST', '/services/{serviceName}/roles', 'createRole'),
  api('DELETE', '/services/{serviceName}/roles/{roleName}', 'deleteRole'),

  api('GET', '/services/{serviceName}/metadata', 'listServiceMetadata'),
  api('GET', '/services/{serviceName}/metadata/{namespace}', 'getServiceMetadata'),
  api('PUT', '/services/{serviceName}/metadata/{namespace}', 'putServiceMetadata'),
  api('DELETE', '/services/{serviceName}/metadata/{namespace}', 'deleteServiceMetadata'),
  api('GET', '/services/{serviceName}/roles/{roleName}/metadata', 'listRoleMetadata'),
  api('GET', '/services/{serviceName}/roles/{roleName}/metadata/{namespace}', 'getRoleMetadata'),
  api('PUT', '/services/{serviceName}/roles/{roleName}/metadata/{namespace}', 'putRoleMetadata'),
  api('DELETE', '/services/{serviceName}/roles/{roleName}/metadata/{namespace}', 'deleteRoleMetadata'),
] as const satisfies readonly RouteSpec[];

export type OperationName = (typeof ROUTES)[number]['op'];
