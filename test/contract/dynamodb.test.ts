import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { PULSE_SHARDS } from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { startTestDynamo } from '../support/dynalite.ts';
import { metricStoreContract } from './metric-store.contract.ts';

/**
 * The suite twice: with dynalite's own pages and day items in the metric table, and with 2-item pages
 * (so every read crosses many) and day items in an archive table of their own, as deployed on AWS.
 */
for (const pageLimit of [undefined, 2])
  metricStoreContract(
    `DynamoDB on dynalite${pageLimit ? `, ${pageLimit}-item pages, archive table` : ''}`,
    async () => {
      const dynamo = await startTestDynamo();
      await ensureTableAt(dynamo.endpoint, 'metrics');
      if (pageLimit) await ensureTableAt(dynamo.endpoint, 'archive');
      const clock = { now: () => 1_764_000_000_000 + 2 * 86400_000 };
      const open = () =>
        new DynamoMetricStore(createDocumentClient({ endpoint: dynamo.endpoint }), 'metrics', clock, 460, {
          ...(pageLimit && { pageLimit, archiveTableName: 'archive' }),
        });
      let store = open();
      return {
        store,
        async compact(now) {
          for (const org of ['o1', 'o2', 'o9']) {
            for (let shard = 0; shard < PULSE_SHARDS; shard++) await store.compactShard(org, shard, now);
          }
        },
        async reopen() {
          store = open();
          return store;
        },
        dispose: () => dynamo.stop(),
      };
    },
  );
