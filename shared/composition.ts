import { createDocumentClient } from './adapters/dynamodb/client.ts';
import { dynamoEntityStore } from './adapters/dynamodb/entity-store.ts';
import type { AwsConfig } from './config.ts';
import { systemClock } from './domain/clock.ts';
import { newId } from './domain/ids.ts';
import type { Deps } from './ports/deps.ts';

/**
 * The one composition root: it picks the adapters. On AWS and in local mode entities go through the
 * same DynamoDB adapter (local mode points it at an embedded dynalite).
 */
export function composeDeps(config: AwsConfig, overrides: Partial<Deps> = {}): Deps {
  const doc = createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region });
  return {
    entities: dynamoEntityStore(doc, config.tableName),
    clock: systemClock,
    newId,
    ...overrides,
  };
}
