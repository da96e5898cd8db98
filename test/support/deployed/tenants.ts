import { composeEntityDeps } from '#shared/composition/entities.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { addUser } from '#shared/use-cases/users/users.ts';
import type { Harness } from './harness.ts';
import { REGION } from './intrinsics.ts';

/**
 * What an operator does with the admin CLI after `cdk deploy`: an organization, a key, and users,
 * written straight into the deployed entity table (as `saba … --stack SabaData` does, with the
 * operator's credentials, not through any function).
 */
export async function addTenant(
  harness: Harness,
  org: string,
  options: { users?: string[]; permission?: 'read' | 'write' } = {},
): Promise<string> {
  const deps = composeEntityDeps({
    tableName: harness.physical('AWS::DynamoDB::GlobalTable', 'Entities').ref,
    region: REGION,
    dynamoEndpoint: harness.motoEndpoint,
    dynamoCredentials: { accessKeyId: 'operator', secretAccessKey: 'operator' },
  });
  if (!(await deps.entities.orgs.get(org))) await createOrg(deps, org);
  for (const email of options.users ?? []) await addUser(deps, org, email, 'owner');
  return (await createApiKey(deps, org, options.permission ?? 'write', 'harness')).key;
}
