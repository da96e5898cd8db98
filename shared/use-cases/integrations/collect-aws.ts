import { epochSeconds } from '../../domain/clock.ts';
import { addRoles, type Host, rolesFrom } from '../../domain/host.ts';
import {
  type AwsServiceId,
  type CollectedService,
  graphDefsOf,
} from '../../domain/integrations/aws-catalog.ts';
import {
  type AwsIntegration,
  type AwsServiceSetting,
  type CloudResourceRecord,
  collectedServicesOf,
  type IntegrationProblem,
  type IntegrationRun,
  tagFiltersOf,
  tagsMatch,
  wantedMetric,
} from '../../domain/integrations/aws-integration.ts';
import type { NamedPoint } from '../../domain/metrics.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import {
  type CloudAccount,
  CloudCallError,
  type CloudCredentials,
  type CloudResource,
  type MetricQuery,
} from '../../ports/cloud.ts';
import type { Deps } from '../../ports/deps.ts';
import { ensureRoles } from '../ensure-roles.ts';
import { modifyHost } from '../hosts/change-host.ts';
import { claimCustomIdentifier } from '../hosts/custom-identifier.ts';
import { saveHost } from '../hosts/save-host.ts';
import { retryOnStale } from '../retry.ts';

/** GetMetricData's limit per call. */
export const QUERIES_PER_CALL = 500;
/** How far back each run reads: two 5-minute periods, so a late CloudWatch point is still taken. */
export const WINDOW_SECONDS = 600;
export const PERIOD_SECONDS = 60;

/** Whose credentials read the integration's account: its role (with the external ID), else saba's own. */
export const credentialsOf = (i: AwsIntegration): CloudCredentials => ({
  region: i.region,
  ...(i.roleArn && { roleArn: i.roleArn }),
  ...(i.externalId && { externalId: i.externalId }),
});

/** Retires hosts and closes their alerts (composed one level up: see retire-hosts.ts). */
export type Retire = (deps: Deps, orgId: string, hostIds: string[]) => Promise<void>;

const providerOf: Record<string, string> = {
  EC2: 'ec2',
  ELB: 'elb',
  ALB: 'alb',
  NLB: 'nlb',
  RDS: 'rds',
  ElastiCache: 'elasticache',
  Lambda: 'lambda',
  SQS: 'sqs',
  DynamoDB: 'dynamodb',
  APIGateway: 'apigateway',
};

const cloudMeta = (r: CloudResource) => ({
  provider: providerOf[r.service] ?? r.service,
  metadata: r.description,
});

/**
 * The host of a resource: the one that holds its custom identifier (an agent's host on that EC2
 * instance, or the one an earlier run made), else a new host, agentless, sized as Mackerel bills it.
 */
async function hostFor(
  deps: Deps,
  orgId: string,
  r: CloudResource,
  service: CollectedService,
  setting: AwsServiceSetting,
): Promise<string> {
  const refs = setting.role ? [parseRoleFullname(setting.role)] : [];
  const owner = await deps.entities.hosts.customIdentifierOwner(orgId, r.identifier);
  const existing = owner ? await deps.entities.hosts.get(orgId, owner) : undefined;
  if (existing && !existing.isRetired && existing.customIdentifier === r.identifier) {
    const meta = { ...existing.meta, cloud: cloudMeta(r) };
    const missingRole = refs.some((ref) => !(existing.roles[ref.service] ?? []).includes(ref.role));
    if (JSON.stringify(meta) !== JSON.stringify(existing.meta) || missingRole) {
      await ensureRoles(deps, orgId, refs);
      await modifyHost(deps, orgId, existing.id, (h) => ({
        meta: { ...h.meta, cloud: cloudMeta(r) },
        roles: addRoles(h.roles, refs),
      }));
    }
    return existing.id;
  }
  await ensureRoles(deps, orgId, refs);
  const org = await deps.entities.orgs.get(orgId);
  const id = deps.newId();
  await claimCustomIdentifier(deps, orgId, r.identifier, id);
  const host: Host = {
    orgId,
    id,
    name: r.name,
    customIdentifier: r.identifier,
    memo: '',
    status: org?.defaultHostStatus ?? 'working',
    size: service.size,
    isRetired: false,
    createdAt: epochSeconds(deps.clock),
    roles: rolesFrom(refs),
    meta: { cloud: cloudMeta(r) },
    interfaces: [],
    checks: [],
    agentless: true,
    version: 1,
  };
  await saveHost(deps, undefined, host);
  return id;
}

interface Target {
  hostId: string;
  metric: string;
}

/**
 * One run of one integration: discover each enabled service's resources (filtered by tags), keep
 * one host per resource, read their metrics with GetMetricData (500 queries a call; excluded
 * metrics are never asked for), store them without a heartbeat, and retire the hosts of resources
 * that are gone when the service says `retireAutomatically`. A service whose discovery failed
 * retires nothing that run: a throttled or denied call must never look like an empty account.
 */
export async function collectAwsIntegration(
  deps: Deps,
  orgId: string,
  integration: AwsIntegration,
  account: CloudAccount,
  retire: Retire,
): Promise<IntegrationRun> {
  const now = epochSeconds(deps.clock);
  const problems: IntegrationProblem[] = [];
  const filters = tagFiltersOf(integration);
  const withTags = filters.included.length + filters.excluded.length > 0;
  const records = new Map(
    (await deps.entities.cloudResources.list(orgId))
      .filter((r) => r.integrationId === integration.id)
      .map((r) => [r.id, r]),
  );
  const graphNames = new Set((await deps.entities.graphDefs.list(orgId)).map((g) => g.name));
  const queries: MetricQuery[] = [];
  const targets: Target[] = [];
  const seen = new Set<string>();
  const discovered = new Set<string>();
  let resources = 0;

  for (const [service, setting] of collectedServicesOf(integration)) {
    let found: CloudResource[];
    try {
      found = (await account.discover(service.id, withTags)).filter(
        (r) => !withTags || tagsMatch(r.tags ?? {}, filters.included, filters.excluded),
      );
    } catch (err) {
      problems.push(problemOf(service.id, err));
      continue;
    }
    discovered.add(service.id);
    for (const r of found) {
      resources++;
      seen.add(r.identifier);
      const hostId = await hostFor(deps, orgId, r, service, setting);
      const record: CloudResourceRecord = {
        id: r.identifier,
        integrationId: integration.id,
        service: service.id,
        hostId,
        seenAt: now,
      };
      await deps.entities.cloudResources.put(orgId, record);
      for (const g of service.graphs) {
        if (g.variant !== undefined && g.variant !== r.variant) continue;
        for (const m of g.metrics) {
          if (!wantedMetric(setting, m.name)) continue;
          queries.push({
            id: `q${queries.length}`,
            namespace: service.namespace,
            metric: m.cloudwatch,
            dimensions: r.dimensions,
            stat: m.stat,
          });
          targets.push({ hostId, metric: m.name });
        }
      }
    }
    for (const def of graphDefsOf(service)) {
      if (graphNames.has(def.name)) continue;
      await deps.entities.graphDefs.put(orgId, def);
      graphNames.add(def.name);
    }
  }

  let metrics = 0;
  for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
    const batch = queries.slice(i, i + QUERIES_PER_CALL);
    let data: Map<string, { time: number; value: number }[]>;
    try {
      data = await account.metricData(batch, now - WINDOW_SECONDS, now, PERIOD_SECONDS);
    } catch (err) {
      problems.push(problemOf('CloudWatch', err));
      continue;
    }
    const byHost = new Map<string, NamedPoint[]>();
    batch.forEach((q, j) => {
      const target = targets[i + j];
      if (!target) return;
      for (const p of data.get(q.id) ?? []) {
        const list = byHost.get(target.hostId) ?? [];
        list.push({ name: target.metric, time: p.time, value: p.value });
        byHost.set(target.hostId, list);
        metrics++;
      }
    });
    for (const [hostId, points] of byHost)
      await deps.metrics.write(orgId, { kind: 'host', id: hostId }, points, now, false);
  }

  const retired = await retireGone(deps, orgId, integration, records, seen, discovered, retire);
  return { at: now, resources, metrics, requests: account.requests, retired, problems };
}

/** Resources an earlier run found that this run (whose discovery of their service succeeded) did not. */
async function retireGone(
  deps: Deps,
  orgId: string,
  integration: AwsIntegration,
  records: Map<string, CloudResourceRecord>,
  seen: Set<string>,
  discovered: Set<string>,
  retire: Retire,
): Promise<number> {
  const gone = [...records.values()].filter((r) => discovered.has(r.service) && !seen.has(r.id));
  const retiring = gone.filter(
    (r) => integration.services[r.service as AwsServiceId]?.retireAutomatically === true,
  );
  await retire(
    deps,
    orgId,
    retiring.map((r) => r.hostId),
  );
  for (const r of gone) await deps.entities.cloudResources.delete(orgId, r.id);
  return retiring.length;
}

function problemOf(service: string, err: unknown): IntegrationProblem {
  if (err instanceof CloudCallError) return { service, operation: err.operation, message: err.message };
  return { service, operation: 'unknown', message: err instanceof Error ? err.message : String(err) };
}

/** Records the run on the integration (re-read first, so a concurrent edit of the settings is kept). */
export async function recordRun(deps: Deps, orgId: string, id: string, run: IntegrationRun): Promise<void> {
  await retryOnStale(async () => {
    const current = await deps.entities.awsIntegrations.get(orgId, id);
    if (current) await deps.entities.awsIntegrations.put(orgId, { ...current, lastRun: run });
  });
}
