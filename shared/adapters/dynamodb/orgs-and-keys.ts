import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKey } from '../../domain/api-key.ts';
import type { Org } from '../../domain/org.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EntityStore } from '../../ports/entity-store.ts';
import {
  apiKeyListingKeys,
  apiKeyListingPartition,
  apiKeyLookupKeys,
  ORGS_PARTITION,
  orgKeys,
} from './keys.ts';
import { conditionally, queryAll, type Table, withoutKeys } from './table.ts';

export function dynamoOrgs(table: Table): EntityStore['orgs'] {
  return {
    async get(orgId) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: orgKeys(orgId) }));
      return out.Item ? withoutKeys<Org>(out.Item) : undefined;
    },
    async create(org) {
      const created = await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...orgKeys(org.id), ...org },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (!created) throw new ConflictError(`Organization ${org.id} already exists.`);
    },
    async update(org) {
      const updated = await conditionally(() =>
        table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...orgKeys(org.id), ...org },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
      if (!updated) throw new NotFoundError(`Organization ${org.id} does not exist.`);
    },
    async list() {
      return (await queryAll(table, ORGS_PARTITION)).map((item) => withoutKeys<Org>(item));
    },
  };
}

/**
 * Two items per key: a lookup item keyed by the hash (what the authorizer reads) and a listing item
 * in the organization's partition. Created listing-first and revoked lookup-first, so a half-done
 * write never leaves a working key that cannot be listed.
 */
export function dynamoApiKeys(table: Table): EntityStore['apiKeys'] {
  return {
    async findByHash(hash) {
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: apiKeyLookupKeys(hash) }),
      );
      return out.Item ? withoutKeys<ApiKey>(out.Item) : undefined;
    },
    async create(key) {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...apiKeyListingKeys(key.orgId, key.keyId), ...key },
        }),
      );
      await table.doc.send(
        new PutCommand({ TableName: table.name, Item: { ...apiKeyLookupKeys(key.hash), ...key } }),
      );
    },
    async list(orgId) {
      return (await queryAll(table, apiKeyListingPartition(orgId))).map((item) => withoutKeys<ApiKey>(item));
    },
    async revoke(orgId, keyId) {
      const listing = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: apiKeyListingKeys(orgId, keyId) }),
      );
      if (!listing.Item) return false;
      const key = withoutKeys<ApiKey>(listing.Item);
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: apiKeyLookupKeys(key.hash) }));
      await table.doc.send(
        new DeleteCommand({ TableName: table.name, Key: apiKeyListingKeys(orgId, keyId) }),
      );
      return true;
    },
  };
}
