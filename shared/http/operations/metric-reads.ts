import type { MetricOwner } from '../../domain/metrics.ts';
import { parseRangeQuery } from '../../schemas/metrics.ts';
import {
  latestValues,
  metricNames,
  readMetric,
  readRoleMetric,
} from '../../use-cases/metrics/read-metrics.ts';
import { json } from '../reply.ts';
import type { ApiRequest } from '../request.ts';
import { type Operation, param } from './operation.ts';

const hostOf = (req: ApiRequest): MetricOwner => ({ kind: 'host', id: param(req, 'hostId') });
const serviceOf = (req: ApiRequest): MetricOwner => ({ kind: 'service', id: param(req, 'serviceName') });
const range = (req: ApiRequest) => parseRangeQuery((k) => req.query.get(k));

export const metricReadOperations = {
  listHostMetricNames: async (req, deps) => json({ names: await metricNames(deps, req.orgId, hostOf(req)) }),
  listServiceMetricNames: async (req, deps) =>
    json({ names: await metricNames(deps, req.orgId, serviceOf(req)) }),
  readHostMetric: async (req, deps) =>
    json({ metrics: await readMetric(deps, req.orgId, hostOf(req), range(req)) }),
  readServiceMetric: async (req, deps) =>
    json({ metrics: await readMetric(deps, req.orgId, serviceOf(req), range(req)) }),
  readRoleMetric: async (req, deps) =>
    json({
      metrics: await readRoleMetric(
        deps,
        req.orgId,
        param(req, 'serviceName'),
        param(req, 'roleName'),
        range(req),
      ),
    }),
  readLatestValues: async (req, deps) =>
    json({ tsdbLatest: await latestValues(deps, req.orgId, req.query.all('hostId'), req.query.all('name')) }),
} satisfies Record<string, Operation>;
