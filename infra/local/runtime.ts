import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsCloudAccess } from '#shared/adapters/aws/cloud-account.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { composeLocalDeps, composeLocalSenders, type LocalDeps } from '#shared/composition/local.ts';
import { LOCAL_TABLE_NAME, type LocalConfig } from '#shared/config.ts';
import { epochSeconds } from '#shared/domain/clock.ts';
import { createApiHandler } from '#shared/handlers/api.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import { KeyCheck } from '#shared/http/key-check.ts';
import { createLogger } from '#shared/logging.ts';
import { reindexHostSummaries } from '#shared/use-cases/hosts/host-summaries.ts';
import { buildConsole } from '../../console/build.ts';
import { bootstrapFirstStart } from './bootstrap.ts';
import { startEmbeddedDynamo } from './embedded-dynamodb.ts';
import { type MonitoringLoop, startMonitoringLoop } from './monitoring-loop.ts';
import { createLocalServer } from './server.ts';

export interface LocalRuntime {
  url: string;
  /** Set on first start only: the key to print once. */
  firstApiKey?: string;
  deps: LocalDeps;
  /** The checker and the notification worker (tests run them on demand). */
  monitoring: MonitoringLoop;
  close(): Promise<void>;
}

/** How long a key's answer is reused locally (shorter than the functions' minute: one process, cheap reads). */
const AUTH_CACHE_MS = 10_000;
/** How long the ingest path reuses an organization's monitors and a host's status (a change applies within it). */
const MONITOR_CACHE_MS = 2_000;
/** How often finished hours move from the recent table to the archive and hourly rollups. */
const COMPACT_EVERY_MS = 10 * 60_000;

/** The whole service on one machine: embedded dynalite, the Lambda handlers, one HTTP server. */
export async function startLocalRuntime(
  config: LocalConfig,
  log?: (line: string) => void,
): Promise<LocalRuntime> {
  const dynamo = await startEmbeddedDynamo(config.dataDir, { advertise: true });
  await ensureTableAt(dynamo.endpoint, LOCAL_TABLE_NAME, dynamo.credentials);

  const logger = createLogger({ level: config.logLevel, format: 'text', ...(log && { write: log }) });
  const deps = await composeLocalDeps(config.dataDir, dynamo, config.monitoring);
  const firstApiKey = await bootstrapFirstStart(deps, config.dataDir, config.initialApiKey);
  for (const org of await deps.entities.orgs.list()) await reindexHostSummaries(deps, org.id);
  // One process: one key cache for both handlers (on AWS each function's container has its own).
  const keys = new KeyCheck(deps, AUTH_CACHE_MS);
  const api = createApiHandler(deps, { logger, keys, console: await buildConsole() });
  const ingest = createIngestHandler(deps, {
    logger,
    keys,
    monitorCacheMs: MONITOR_CACHE_MS,
    ownersCacheMs: MONITOR_CACHE_MS,
  });
  const server: Server = createLocalServer({
    handlers: { api, ingest },
    publicPaths: api.publicPath,
    authorize: (key) => keys.check(key),
    logger,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const compact = () =>
    deps.metrics
      .compact(epochSeconds(deps.clock), config.retentionDays)
      .catch((err) => logger.error('compaction failed', err));
  await compact();
  const compaction = setInterval(compact, COMPACT_EVERY_MS);
  compaction.unref();
  const url = `http://${config.host}:${port}`;
  // Notifications link to the console this server serves, unless SABA_CONSOLE_URL says otherwise.
  const senders = composeLocalSenders(config.dataDir, { consoleUrl: url, ...config.monitoring });
  const monitoring = startMonitoringLoop(deps, config.monitoring, senders, logger, awsCloudAccess);
  return {
    url,
    ...(firstApiKey && { firstApiKey }),
    deps,
    monitoring,
    async close() {
      clearInterval(compaction);
      await monitoring.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.metrics.close();
      await dynamo.close();
    },
  };
}
