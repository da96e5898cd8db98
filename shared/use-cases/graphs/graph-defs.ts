import { type GraphDef, graphDefProblem, wildcardMatcher } from '../../domain/graphs.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { getService } from '../services/lookup.ts';

/** Validates every definition first, so one bad definition stores none of the request. */
export async function createGraphDefs(deps: Deps, orgId: string, defs: GraphDef[]): Promise<void> {
  for (const def of defs) {
    const problem = graphDefProblem(def);
    if (problem) throw new ValidationError(`Invalid graph definition: ${problem}.`);
  }
  for (const def of defs) await deps.entities.graphDefs.put(orgId, def);
}

export async function deleteGraphDef(deps: Deps, orgId: string, name: string): Promise<void> {
  if (!(await deps.entities.graphDefs.delete(orgId, name))) {
    throw new ValidationError(`Graph definition ${JSON.stringify(name)} does not exist.`);
  }
}

/**
 * `DELETE /services/<s>/graph-defs/<graph>`: the service's metrics whose names match the graph
 * (`access_num.*`) leave its metric names; they come back when points arrive again.
 */
export async function deleteServiceGraph(
  deps: Deps,
  orgId: string,
  service: string,
  graph: string,
): Promise<void> {
  await getService(deps, orgId, service);
  const owner = { kind: 'service' as const, id: service };
  const matcher = wildcardMatcher(graph);
  const prefix = graph.endsWith('.*') || graph.endsWith('.#') ? graph.slice(0, -2) : graph;
  const names = (await deps.metrics.names(orgId, owner)).filter(
    (n) => matcher.test(n) || n.slice(0, n.lastIndexOf('.')) === prefix,
  );
  if (names.length === 0) throw new NotFoundError('Graph Not Found.');
  await deps.metrics.forgetNames(orgId, owner, names);
}
