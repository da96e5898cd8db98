import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** Validates a request body against its schema; the first problem becomes Mackerel's 400 message. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ValidationError(`Invalid request body. ${where}${issue?.message ?? 'malformed'}`);
}
