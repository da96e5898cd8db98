import { composeAwsDeps } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadMetricsConfig } from '#shared/config.ts';
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { createIngestOperations } from '#shared/http/operations/ingest.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';

const deps = composeAwsDeps(loadAwsConfig(), loadMetricsConfig());

/** The hot path: POST /api/v0/tsdb and /services/<name>/tsdb, every agent, every minute. */
export const handler = createHttpHandler(createIngestOperations(new WritableOwners(deps.clock)), deps);
