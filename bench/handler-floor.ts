/**
 * What saba's request path costs a post before any storage or monitoring: the local server (plain
 * HTTP to an API Gateway v2 event), the Lambda handler chain (request log, gzip, Mackerel's errors,
 * the cached key check, the route, the permission) and the metric body parsed and validated, then
 * `{"success":true}`; nothing stored. bench:peers runs it beside saba and its peers, so the work the
 * design's "same handlers on one machine" costs is read apart from the store's. The key check is
 * the real cache over a key source that knows every key. Listens on 127.0.0.1:$PORT.
 */
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { KeyCheck } from '#shared/http/key-check.ts';
import { success } from '#shared/http/reply.ts';
import { createLogger, stampedStdout } from '#shared/logging.ts';
import type { Deps, EntityDeps } from '#shared/ports/deps.ts';
import { parseMetricBody } from '#shared/schemas/metrics.ts';
import { createLocalServer } from '../infra/local/server.ts';

const keySource = {
  entities: { apiKeys: { findByHash: async () => ({ orgId: 'bench', permission: 'write' }) } },
} as unknown as EntityDeps;
const keys = new KeyCheck(keySource);
const logger = createLogger({
  level: 'info',
  format: 'text',
  write: stampedStdout(), // as infra/local/main.ts
});
const handler = createHttpHandler(
  {
    postHostMetrics: async (req) => {
      parseMetricBody(req.body(), true);
      return success();
    },
  },
  keySource as Deps, // the handler chain reads only keys; nothing reaches a store
  { logger, keys },
);
const server = createLocalServer({
  handlers: { api: handler, ingest: handler },
  authorize: (key) => keys.check(key),
  logger,
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
