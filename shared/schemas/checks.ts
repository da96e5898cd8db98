import { z } from 'zod';

/** Mackerel's message limit; the agent truncates to 1024 runes and keeps a trailing newline. */
export const CHECK_MESSAGE_MAX = 1024;
export const CHECK_REPORTS_MAX = 100;

const report = z.object({
  source: z.object({ type: z.literal('host'), hostId: z.string().min(1).max(64) }),
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,255}$/, 'must be a check name'),
  status: z.enum(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN']),
  message: z
    .string()
    .refine((m) => [...m].length <= CHECK_MESSAGE_MAX + 1, `must be at most ${CHECK_MESSAGE_MAX} characters`)
    .nullish(),
  occurredAt: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32),
  notificationInterval: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .nullish(),
  maxCheckAttempts: z.number().int().min(0).max(10).nullish(),
});

/** `POST /api/v0/monitoring/checks/report`, as the agent and `mkr wrap` send it. */
export const checkReportsSchema = z.object({
  reports: z.array(report).max(CHECK_REPORTS_MAX, `at most ${CHECK_REPORTS_MAX} reports are allowed`),
});
export type CheckReport = z.output<typeof report>;
