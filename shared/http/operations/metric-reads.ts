import type { MetricOwner } from '../../domain/metrics.ts';
import { ExpressionError } from '../../domain/monitoring/expression.ts';
import { ValidationError } from '../../errors.ts';
import { epochParam, parseRangeQuery } from '../../schemas/metrics.ts';
import { readExpression } from '../../use-cases/metrics/expression-reads.ts';
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
  readExpression: async (req, deps) => {
    const expression = req.query.get('expression');
    if (!expression || expression.length > 4096)
      throw new ValidationError('expression is required (at most 4,096 characters).');
    const from = epochParam(req.query.get('from'), 'from');
    const to = epochParam(req.query.get('to'), 'to');
    if (from > to) throw new ValidationError('from must not be after to.');
    try {
      return json({ series: await readExpression(deps, req.orgId, expression, from, to) });
    } catch (err) {
      if (err instanceof ExpressionError) throw new ValidationError(`Invalid expression: ${err.message}`);
      throw err;
    }
  },
  readLatestValues: async (req, deps) =>
    json({ tsdbLatest: await latestValues(deps, req.orgId, req.query.all('hostId'), req.query.all('name')) }),
} satisfies Record<string, Operation>;
