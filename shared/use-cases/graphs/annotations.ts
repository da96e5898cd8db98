import type { GraphAnnotation } from '../../domain/graphs.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { AnnotationBody } from '../../schemas/graphs.ts';
import { getRoleOf, getService } from '../services/lookup.ts';

const NOT_FOUND = 'Graph Annotation Not Found.';

async function toAnnotation(
  deps: Deps,
  orgId: string,
  id: string,
  body: AnnotationBody,
): Promise<GraphAnnotation> {
  await getService(deps, orgId, body.service);
  for (const role of body.roles ?? []) await getRoleOf(deps, orgId, body.service, role);
  return {
    id,
    title: body.title,
    description: body.description ?? '',
    from: body.from,
    to: body.to,
    service: body.service,
    ...(body.roles && body.roles.length > 0 && { roles: body.roles }),
  };
}

/** A deploy marker: title, description (by convention the git hash), a time span, a service and maybe roles. */
export async function createAnnotation(
  deps: Deps,
  orgId: string,
  body: AnnotationBody,
): Promise<GraphAnnotation> {
  const annotation = await toAnnotation(deps, orgId, deps.newId(), body);
  await deps.entities.annotations.put(orgId, annotation);
  return annotation;
}

export async function updateAnnotation(deps: Deps, orgId: string, id: string, body: AnnotationBody) {
  if (!(await deps.entities.annotations.get(orgId, id))) throw new NotFoundError(NOT_FOUND);
  const annotation = await toAnnotation(deps, orgId, id, body);
  await deps.entities.annotations.put(orgId, annotation);
  return annotation;
}

export async function deleteAnnotation(deps: Deps, orgId: string, id: string): Promise<GraphAnnotation> {
  const annotation = await deps.entities.annotations.get(orgId, id);
  if (!annotation || !(await deps.entities.annotations.delete(orgId, id))) throw new NotFoundError(NOT_FOUND);
  return annotation;
}

/** The service's annotations whose span meets [from, to], oldest first. */
export async function listAnnotations(deps: Deps, orgId: string, service: string, from: number, to: number) {
  await getService(deps, orgId, service);
  return (await deps.entities.annotations.list(orgId))
    .filter((a) => a.service === service && a.from <= to && a.to >= from)
    .sort((a, b) => a.from - b.from);
}

export async function deleteServiceAnnotations(deps: Deps, orgId: string, service: string): Promise<void> {
  for (const a of await deps.entities.annotations.list(orgId)) {
    if (a.service === service) await deps.entities.annotations.delete(orgId, a.id);
  }
}
