import { z } from 'zod';
import { RECURRENCE_TYPES, WEEKDAYS } from '../domain/monitoring/downtime.ts';

const scope = z.array(z.string().min(1).max(127)).max(100).nullish();

export const downtimeSchema = z
  .object({
    name: z.string().min(1).max(255),
    memo: z.string().max(2048).nullish(),
    start: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32),
    duration: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60),
    recurrence: z
      .object({
        type: z.enum(RECURRENCE_TYPES),
        interval: z.number().int().min(1).max(100),
        weekdays: z.array(z.enum(WEEKDAYS)).max(7).nullish(),
        until: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32)
          .nullish(),
      })
      .nullish(),
    serviceScopes: scope,
    serviceExcludeScopes: scope,
    roleScopes: scope,
    roleExcludeScopes: scope,
    monitorScopes: scope,
    monitorExcludeScopes: scope,
  })
  .refine((d) => !d.recurrence?.weekdays?.length || d.recurrence.type === 'weekly', {
    message: 'weekdays are for weekly recurrences only',
    path: ['recurrence', 'weekdays'],
  })
  .refine((d) => d.recurrence?.until == null || d.recurrence.until >= d.start, {
    message: 'until must not be before start',
    path: ['recurrence', 'until'],
  });
export type DowntimeBody = z.output<typeof downtimeSchema>;
