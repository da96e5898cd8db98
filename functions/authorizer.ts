import { composeEntityDeps } from '#shared/composition/entities.ts';
import { loadAwsConfig } from '#shared/config.ts';
import { createAuthorizerHandler } from '#shared/http/authorizer.ts';

/** X-Api-Key → organization and permission; API Gateway caches the answer per key. */
export const handler = createAuthorizerHandler(composeEntityDeps(loadAwsConfig()));
