import { z } from 'zod';

const name = z.string().min(1).max(255);
const DAY = 86400;

export const embedSchema = z.object({
  title: z.string().max(255).nullish(),
  graph: z.discriminatedUnion('type', [
    z.object({ type: z.literal('host'), hostId: z.string().min(1).max(255), name }),
    z.object({ type: z.literal('role'), roleFullname: z.string().regex(/^[^:\s]+:[^:\s]+$/), name }),
    z.object({ type: z.literal('service'), serviceName: z.string().min(1).max(63), name }),
  ]),
  range: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('relative'),
      period: z
        .number()
        .int()
        .min(60)
        .max(460 * DAY),
    }),
    z.object({ type: z.literal('absolute'), from: z.number().int().min(0), to: z.number().int().min(0) }),
  ]),
  /** When the link stops working (epoch s): within a year. */
  expiresAt: z.number().int().min(0),
});

export type EmbedBody = z.output<typeof embedSchema>;
