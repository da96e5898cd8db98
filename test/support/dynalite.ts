import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DuckDbMetricStore } from '#shared/adapters/duckdb/metric-store.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { targetPolicy } from '#shared/adapters/http/target-policy.ts';
import { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import { composeEntityDeps } from '#shared/composition/entities.ts';
import type { Deps } from '#shared/ports/deps.ts';

/**
 * Query pages in tests hold this many items, so every paginated read crosses pages (dynalite's
 * pages are about 1 MB of its own accounting, which few test partitions ever fill).
 */
export const TEST_PAGE_LIMIT = 3;

export interface TestDynamo {
  endpoint: string;
  deps(tableName?: string): Promise<Deps>;
  stop(): Promise<void>;
}

/**
 * An in-memory dynalite on 127.0.0.1 for one test file; each call to `deps` gets a fresh entity table
 * and an in-memory DuckDB metric store.
 */
export async function startTestDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    endpoint,
    async deps(tableName = `table-${++n}`) {
      await ensureTableAt(endpoint, tableName);
      return {
        ...composeEntityDeps({ tableName, dynamoEndpoint: endpoint }, { pageLimit: TEST_PAGE_LIMIT }),
        metrics: await DuckDbMetricStore.open(':memory:'),
        notifications: new MemoryNotificationQueue(),
        // Tests reach their own receivers on 127.0.0.1.
        targets: targetPolicy({ allowPrivate: true }),
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
