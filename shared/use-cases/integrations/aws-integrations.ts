import { randomBytes } from 'node:crypto';
import type { AwsServiceId } from '../../domain/integrations/aws-catalog.ts';
import type { AwsIntegration, AwsServiceSetting } from '../../domain/integrations/aws-integration.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { AwsIntegrationBody } from '../../schemas/aws-integrations.ts';

const NOT_FOUND = 'AWS Integration Not Found.';
const EXTERNAL_ID = 'external-id';

function settingOf(s: NonNullable<AwsIntegrationBody['services']>[string]): AwsServiceSetting {
  const included = s.includedMetrics != null && s.excludedMetrics == null;
  return {
    enable: s.enable,
    role: s.role ?? null,
    ...(included
      ? { includedMetrics: s.includedMetrics ?? [] }
      : { excludedMetrics: s.excludedMetrics ?? [] }),
    retireAutomatically: s.retireAutomatically ?? false,
  };
}

/**
 * The role to assume, if any: `roleArn` with the external ID saba issued to this organization (a
 * role's trust policy names it, so no other organization of this saba can borrow the role). Without
 * `roleArn` saba reads its own account with its own role, and stores no credentials at all.
 */
async function credentialsOf(
  deps: EntityDeps,
  orgId: string,
  body: AwsIntegrationBody,
  previous?: AwsIntegration,
): Promise<Pick<AwsIntegration, 'roleArn' | 'externalId'>> {
  const roleArn = 'roleArn' in body ? body.roleArn || undefined : previous?.roleArn;
  const externalId = 'externalId' in body ? body.externalId || undefined : previous?.externalId;
  if (roleArn === undefined) {
    if (externalId !== undefined) throw new ValidationError('externalId: only used with roleArn.');
    return {};
  }
  if (externalId === undefined)
    throw new ValidationError(
      'externalId: required with roleArn (POST /api/v0/aws-integrations-external-id issues it).',
    );
  const issued = await deps.entities.awsExternalIds.get(orgId, EXTERNAL_ID);
  if (issued?.externalId !== externalId)
    throw new ValidationError(
      'externalId: not the one issued to this organization (POST /api/v0/aws-integrations-external-id).',
    );
  return { roleArn, externalId };
}

async function toIntegration(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: AwsIntegrationBody,
  previous?: AwsIntegration,
): Promise<AwsIntegration> {
  const sameName = (await deps.entities.awsIntegrations.list(orgId)).find(
    (i) => i.name === body.name && i.id !== id,
  );
  if (sameName)
    throw new ValidationError(`name: an AWS integration named ${JSON.stringify(body.name)} exists.`);
  return {
    id,
    name: body.name,
    memo: body.memo ?? '',
    ...(await credentialsOf(deps, orgId, body, previous)),
    region: body.region,
    includedTags: body.includedTags ?? '',
    excludedTags: body.excludedTags ?? '',
    services: Object.fromEntries(
      Object.entries(body.services ?? {}).map(([name, s]) => [name as AwsServiceId, settingOf(s)]),
    ),
    ...(previous?.lastRun && { lastRun: previous.lastRun }),
  };
}

export const listAwsIntegrations = (deps: EntityDeps, orgId: string) =>
  deps.entities.awsIntegrations.list(orgId);

export async function getAwsIntegration(
  deps: EntityDeps,
  orgId: string,
  id: string,
): Promise<AwsIntegration> {
  const found = await deps.entities.awsIntegrations.get(orgId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function createAwsIntegration(
  deps: EntityDeps,
  orgId: string,
  body: AwsIntegrationBody,
): Promise<AwsIntegration> {
  const integration = await toIntegration(deps, orgId, deps.newId(), body);
  await deps.entities.awsIntegrations.put(orgId, integration);
  return integration;
}

export async function updateAwsIntegration(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: AwsIntegrationBody,
): Promise<AwsIntegration> {
  const previous = await getAwsIntegration(deps, orgId, id);
  const integration = await toIntegration(deps, orgId, id, body, previous);
  await deps.entities.awsIntegrations.put(orgId, integration);
  return integration;
}

/** Its hosts stay (as Mackerel keeps them); it no longer discovers or retires anything. */
export async function deleteAwsIntegration(
  deps: EntityDeps,
  orgId: string,
  id: string,
): Promise<AwsIntegration> {
  const found = await getAwsIntegration(deps, orgId, id);
  if (!(await deps.entities.awsIntegrations.delete(orgId, id))) throw new NotFoundError(NOT_FOUND);
  const records = (await deps.entities.cloudResources.list(orgId)).filter((r) => r.integrationId === id);
  for (const r of records) await deps.entities.cloudResources.delete(orgId, r.id);
  return found;
}

/** One external ID per organization, made on first request and answered again after. */
export async function issueExternalId(deps: EntityDeps, orgId: string): Promise<string> {
  const fresh = { id: EXTERNAL_ID, externalId: `saba-${orgId}-${randomBytes(18).toString('base64url')}` };
  if (await deps.entities.awsExternalIds.create(orgId, fresh)) return fresh.externalId;
  const existing = await deps.entities.awsExternalIds.get(orgId, EXTERNAL_ID);
  return existing?.externalId ?? fresh.externalId;
}
