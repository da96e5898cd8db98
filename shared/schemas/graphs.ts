import { z } from 'zod';
import { GRAPH_UNITS } from '../domain/graphs.ts';

const defSchema = z.object({
  name: z.string().min(1, 'name is required').max(255),
  displayName: z.string().max(255).nullish(),
  unit: z.enum(GRAPH_UNITS).nullish(),
  metrics: z
    .array(
      z.object({
        name: z.string().min(1, 'name is required').max(255),
        displayName: z.string().max(255).nullish(),
        isStacked: z.boolean().nullish(),
      }),
    )
    .min(1)
    .max(256),
});

/** `POST /api/v0/graph-defs/create`: what the agent builds from its plugins' meta output. */
export const graphDefsSchema = z.array(defSchema).max(1000);
export const graphDefDeleteSchema = z.object({ name: z.string().min(1, 'name is required').max(255) });

const epoch = z.number().int().min(0).max(4_294_967_295);

export const annotationSchema = z
  .object({
    title: z.string().min(1, 'title is required').max(250),
    description: z.string().max(1024).nullish(),
    from: epoch,
    to: epoch,
    service: z.string().min(1).max(63),
    roles: z.array(z.string().min(1).max(63)).max(100).nullish(),
  })
  .refine((a) => a.from <= a.to, { message: 'from must not be after to', path: ['from'] });
export type AnnotationBody = z.output<typeof annotationSchema>;
