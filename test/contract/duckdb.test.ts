import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbMetricStore } from '#shared/adapters/duckdb/metric-store.ts';
import { metricStoreContract } from './metric-store.contract.ts';

metricStoreContract('DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saba-duck-'));
  const path = join(dir, 'metrics.duckdb');
  let store = await DuckDbMetricStore.open(path);
  return {
    store,
    compact: (now) => store.compact(now, 460),
    async reopen() {
      await store.close();
      store = await DuckDbMetricStore.open(path);
      return store;
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
