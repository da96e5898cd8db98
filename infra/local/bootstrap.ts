import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityDeps } from '#shared/ports/deps.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';

export const DEFAULT_ORG = 'default';
export const apiKeyFile = (dataDir: string): string => join(dataDir, 'api-key');

/**
 * First start only (no default organization yet): the default organization and one read-write key. The key is returned (to be
 * printed once) and written to `<dataDir>/api-key` with mode 0600; later starts return nothing.
 */
export async function bootstrapFirstStart(
  deps: EntityDeps,
  dataDir: string,
  initialKey?: string,
): Promise<string | undefined> {
  if (await deps.entities.orgs.get(DEFAULT_ORG)) return undefined;
  await createOrg(deps, DEFAULT_ORG, { displayName: 'Default organization' });
  const { key } = await createApiKey(deps, DEFAULT_ORG, 'write', 'initial key', initialKey);
  const file = apiKeyFile(dataDir);
  if (!existsSync(file) || initialKey === undefined) writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
