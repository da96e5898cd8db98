import { NotFoundError } from '../errors.ts';
import type { Deps } from '../ports/deps.ts';

export async function getOrg(
  deps: Deps,
  orgId: string,
): Promise<{ name: string; displayName: string | null }> {
  const org = await deps.entities.orgs.get(orgId);
  if (!org) throw new NotFoundError('Organization Not Found.');
  return { name: org.name, displayName: org.displayName };
}
