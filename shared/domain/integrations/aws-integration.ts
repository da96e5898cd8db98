import { type AwsServiceId, COLLECTED_SERVICES, type CollectedService } from './aws-catalog.ts';

export interface AwsServiceSetting {
  enable: boolean;
  /** A role fullname (`service:role`) the service's hosts get, or null. */
  role: string | null;
  /** Exactly one of the two lists is kept, as Mackerel answers one or the other. */
  excludedMetrics?: string[];
  includedMetrics?: string[];
  retireAutomatically: boolean;
}

/** What the last collection run found wrong: shown by `GET`, so a denied call is seen, not guessed. */
export interface IntegrationProblem {
  service: string;
  /** The AWS operation that failed, e.g. `ec2:DescribeInstances`. */
  operation: string;
  message: string;
}

export interface IntegrationRun {
  /** Epoch seconds. */
  at: number;
  resources: number;
  metrics: number;
  requests: number;
  retired: number;
  problems: IntegrationProblem[];
}

export interface AwsIntegration {
  id: string;
  name: string;
  memo: string;
  /** Absent: saba's own role in its own account (nothing stored). */
  roleArn?: string;
  externalId?: string;
  region: string;
  includedTags: string;
  excludedTags: string;
  services: Partial<Record<AwsServiceId, AwsServiceSetting>>;
  lastRun?: IntegrationRun;
}

/** The API object: Mackerel's fields, `key` always null (saba never stores access keys), and saba's `lastRun`. */
export function toApiIntegration(i: AwsIntegration): Record<string, unknown> {
  return {
    id: i.id,
    name: i.name,
    memo: i.memo,
    key: null,
    roleArn: i.roleArn ?? null,
    externalId: i.externalId ?? null,
    region: i.region,
    includedTags: i.includedTags,
    excludedTags: i.excludedTags,
    services: Object.fromEntries(
      Object.entries(i.services).map(([id, s]) => [
        id,
        {
          enable: s.enable,
          role: s.role,
          ...(s.includedMetrics
            ? { includedMetrics: s.includedMetrics }
            : { excludedMetrics: s.excludedMetrics ?? [] }),
          ...(s.retireAutomatically && { retireAutomatically: true }),
        },
      ]),
    ),
    ...(i.lastRun && { lastRun: i.lastRun }),
  };
}

export interface TagFilter {
  key: string;
  value: string;
}

/**
 * `service:foo,service:bar`: a resource matches when it has any listed tag (key and value); a tag
 * without a value (`team`) matches any value of that key. Returns the problem when malformed.
 */
export function parseTags(text: string): TagFilter[] | string {
  const out: TagFilter[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const colon = part.indexOf(':');
    const key = (colon < 0 ? part : part.slice(0, colon)).trim();
    const value = colon < 0 ? '' : part.slice(colon + 1).trim();
    if (key === '') return `tag ${JSON.stringify(part)} has no key`;
    out.push({ key, value });
  }
  return out;
}

const hasTag = (tags: Record<string, string>, f: TagFilter) =>
  f.key in tags && (f.value === '' || tags[f.key] === f.value);

/** Included tags (any of them, when there are any) and no excluded tag. */
export function tagsMatch(
  tags: Record<string, string>,
  included: TagFilter[],
  excluded: TagFilter[],
): boolean {
  if (included.length > 0 && !included.some((f) => hasTag(tags, f))) return false;
  return !excluded.some((f) => hasTag(tags, f));
}

/** The integration's tag filters; the stored text was validated when saved. */
export function tagFiltersOf(i: AwsIntegration): { included: TagFilter[]; excluded: TagFilter[] } {
  const parse = (t: string) => {
    const r = parseTags(t);
    return typeof r === 'string' ? [] : r;
  };
  return { included: parse(i.includedTags), excluded: parse(i.excludedTags) };
}

/** The enabled services that saba collects, with their settings. */
export function collectedServicesOf(i: AwsIntegration): [CollectedService, AwsServiceSetting][] {
  return Object.entries(i.services).flatMap(([id, s]) => {
    const service = COLLECTED_SERVICES.get(id as AwsServiceId);
    return service && s?.enable ? [[service, s] as [CollectedService, AwsServiceSetting]] : [];
  });
}

/** Which catalog metrics a setting asks for: the included ones, or all but the excluded ones. */
export function wantedMetric(setting: AwsServiceSetting, name: string): boolean {
  if (setting.includedMetrics) return setting.includedMetrics.includes(name);
  return !(setting.excludedMetrics ?? []).includes(name);
}

/** `arn:aws:iam::123456789012:role/Name` (also the China and GovCloud partitions, and role paths). */
export const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** The custom identifier of a resource, as the agent on an EC2 instance reports its own. */
export const ec2CustomIdentifier = (instanceId: string) => `${instanceId}.ec2.amazonaws.com`;

export const instanceIdOf = (customIdentifier: string): string | undefined =>
  /^(i-[0-9a-f]+)\.ec2\.amazonaws\.com(\.cn)?$/.exec(customIdentifier)?.[1];

/** Which host a discovered resource became: what tells a disappeared resource from a new one. */
export interface CloudResourceRecord {
  /** The resource's custom identifier. */
  id: string;
  integrationId: string;
  service: string;
  hostId: string;
  /** Epoch seconds of the last run that found it. */
  seenAt: number;
}
