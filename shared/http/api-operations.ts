import { alertGroupOperations } from './operations/alert-groups.ts';
import { dashboardOperations } from './operations/dashboards.ts';
import { embedOperations } from './operations/embeds.ts';
import { graphOperations } from './operations/graphs.ts';
import { hostOperations } from './operations/hosts.ts';
import { integrationOperations } from './operations/integrations.ts';
import { prometheusOperations } from './operations/labeled.ts';
import { metadataOperationsByName } from './operations/metadata.ts';
import { metricReadOperations } from './operations/metric-reads.ts';
import { monitorOperations } from './operations/monitoring.ts';
import { notificationOperations } from './operations/notifications.ts';
import type { Operation } from './operations/operation.ts';
import { orgOperations } from './operations/org.ts';
import { serviceOperations } from './operations/services.ts';
import type { OperationName, ROUTES } from './routes.ts';

type ApiOperationName = Extract<(typeof ROUTES)[number], { fn: 'api' }>['op'];

/** Every api route's operation; the type makes a route without a handler a compile error. */
export const apiOperations: Record<ApiOperationName, Operation> & Partial<Record<OperationName, Operation>> =
  {
    ...orgOperations,
    ...hostOperations,
    ...serviceOperations,
    ...metadataOperationsByName,
    ...metricReadOperations,
    ...graphOperations,
    ...monitorOperations,
    ...notificationOperations,
    ...alertGroupOperations,
    ...dashboardOperations,
    ...embedOperations,
    ...integrationOperations,
    ...prometheusOperations,
  };
