import { join } from 'node:path';
import { DuckDbMetricStore } from '../adapters/duckdb/metric-store.ts';
import { LOCAL_TABLE_NAME } from '../config.ts';
import type { Deps } from '../ports/deps.ts';
import { composeEntityDeps } from './entities.ts';

export interface LocalDeps extends Deps {
  metrics: DuckDbMetricStore;
}

/** Local mode: dynalite for entities, DuckDB under the data dir for metrics. */
export async function composeLocalDeps(dataDir: string, dynamoEndpoint: string): Promise<LocalDeps> {
  return {
    ...composeEntityDeps({ tableName: LOCAL_TABLE_NAME, dynamoEndpoint }),
    metrics: await DuckDbMetricStore.open(join(dataDir, 'metrics.duckdb')),
  };
}
