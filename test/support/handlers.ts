import { createApiHandler } from '#shared/handlers/api.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import { functionFor } from '#shared/http/fronts/http-function.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import type { Logger } from '#shared/logging.ts';
import type { Deps } from '#shared/ports/deps.ts';
import type { Forwarding } from '#shared/use-cases/forwarding/forward-metrics.ts';

/**
 * The api and ingest functions as their factories build them, behind one entry that sends each
 * event to the function owning its route (as API Gateway does; unknown routes go to the api).
 * Caches off, so every request reads what the one before it wrote.
 */
export function functionHandlers(deps: Deps, logger: Logger, forwarding?: Forwarding): HttpHandler {
  const api = createApiHandler(deps, { logger });
  const ingest = createIngestHandler(deps, { logger, monitorCacheMs: 0, ownersCacheMs: 0, forwarding });
  return (event, context) =>
    (functionFor(event.requestContext.http.method, event.rawPath) === 'ingest' ? ingest : api)(
      event,
      context,
    );
}
