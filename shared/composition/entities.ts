import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { dynamoEntityStore } from '../adapters/dynamodb/entity-store.ts';
import type { TableOptions } from '../adapters/dynamodb/table.ts';
import type { AwsConfig } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import { newId } from '../domain/ids.ts';
import type { EntityDeps } from '../ports/deps.ts';

/**
 * The composition root is this folder: it alone picks adapters. `aws.ts` for the Lambda functions,
 * `local.ts` for `npm start` (kept apart so no Lambda bundle ever pulls in DuckDB). Entities always go
 * through the DynamoDB adapter; local mode points it at an embedded dynalite.
 */
export function composeEntityDeps(
  config: Pick<AwsConfig, 'tableName' | 'region' | 'dynamoEndpoint' | 'dynamoCredentials'>,
  options: TableOptions = {},
): EntityDeps {
  const doc = createDocumentClient({
    endpoint: config.dynamoEndpoint,
    region: config.region,
    ...(config.dynamoCredentials && { credentials: config.dynamoCredentials }),
  });
  return { entities: dynamoEntityStore(doc, config.tableName, options), clock: systemClock, newId };
}
