import { z } from 'zod';

export const serviceBodySchema = z.object({ name: z.string(), memo: z.string().max(2048).nullish() });
export const roleBodySchema = serviceBodySchema;
