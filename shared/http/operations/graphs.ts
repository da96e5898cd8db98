import { ValidationError } from '../../errors.ts';
import { annotationSchema, graphDefDeleteSchema, graphDefsSchema } from '../../schemas/graphs.ts';
import { epochParam } from '../../schemas/metrics.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  createAnnotation,
  deleteAnnotation,
  listAnnotations,
  updateAnnotation,
} from '../../use-cases/graphs/annotations.ts';
import { createGraphDefs, deleteGraphDef, deleteServiceGraph } from '../../use-cases/graphs/graph-defs.ts';
import { json, success } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const graphOperations = {
  /** saba's read of the graph definitions (Mackerel has none): what the console draws custom graphs with. */
  listGraphDefs: async (req, deps) => json({ graphDefs: await deps.entities.graphDefs.list(req.orgId) }),
  createGraphDefs: async (req, deps) => {
    const defs = parseBody(graphDefsSchema, req.body()).map((d) => ({
      name: d.name,
      ...(d.displayName && { displayName: d.displayName }),
      unit: d.unit ?? 'float',
      metrics: d.metrics.map((m) => ({
        name: m.name,
        ...(m.displayName && { displayName: m.displayName }),
        isStacked: m.isStacked ?? false,
      })),
    }));
    await createGraphDefs(deps, req.orgId, defs);
    return success();
  },
  deleteGraphDef: async (req, deps) => {
    await deleteGraphDef(deps, req.orgId, parseBody(graphDefDeleteSchema, req.body()).name);
    return success();
  },
  deleteServiceGraphDef: async (req, deps) => {
    await deleteServiceGraph(deps, req.orgId, param(req, 'serviceName'), param(req, 'graphName'));
    return success();
  },
  createGraphAnnotation: async (req, deps) =>
    json(await createAnnotation(deps, req.orgId, parseBody(annotationSchema, req.body()))),
  listGraphAnnotations: async (req, deps) => {
    const service = req.query.get('service');
    if (!service) throw new ValidationError('service is required.');
    const from = epochParam(req.query.get('from'), 'from');
    const to = epochParam(req.query.get('to'), 'to');
    return json({ graphAnnotations: await listAnnotations(deps, req.orgId, service, from, to) });
  },
  updateGraphAnnotation: async (req, deps) =>
    json(
      await updateAnnotation(
        deps,
        req.orgId,
        param(req, 'annotationId'),
        parseBody(annotationSchema, req.body()),
      ),
    ),
  deleteGraphAnnotation: async (req, deps) =>
    json(await deleteAnnotation(deps, req.orgId, param(req, 'annotationId'))),
} satisfies Record<string, Operation>;
