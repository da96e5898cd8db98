import { z } from 'zod';
import { FORWARD_DIMENSIONS, type ForwardedPoint } from '../domain/forwarding.ts';
import { type CheckerJob, JOB_TYPES } from '../domain/monitoring/checker-jobs.ts';
import type { NotificationJob } from '../domain/monitoring/notification.ts';

/**
 * The bodies of the queue messages the SQS consumers take, checked before any work: a message of
 * another shape fails alone (reported as a batch item failure) and ends in the dead-letter queue.
 */

const text = z.string().min(1);

const alertEventSchema = z.object({
  orgName: z.string(),
  kind: z.enum(['open', 'change', 'renotify', 'close']),
  at: z.number().int(),
  alert: z.object({
    id: text,
    status: text,
    type: text,
    isOpen: z.boolean(),
    openedAt: z.number().int(),
    closedAt: z.number().int().optional(),
    value: z.number().optional(),
    message: z.string().optional(),
    reason: z.string().optional(),
    trigger: text,
    series: z.object({ name: z.string(), labels: z.record(z.string(), z.string()) }).optional(),
  }),
  monitor: z.object({
    id: text,
    name: z.string(),
    type: text,
    metric: z.string().optional(),
    operator: z.string().optional(),
    warning: z.number().nullish(),
    critical: z.number().nullish(),
    duration: z.number().optional(),
    memo: z.string().optional(),
    query: z.string().optional(),
  }),
  host: z
    .object({
      id: text,
      name: z.string(),
      status: z.string(),
      memo: z.string(),
      isRetired: z.boolean(),
      roles: z.array(z.object({ service: z.string(), role: z.string() })),
    })
    .optional(),
  service: z.string().optional(),
  consoleUrl: z.string().optional(),
});

const alertGroupEventSchema = z.object({
  orgName: z.string(),
  kind: z.enum(['open', 'renotify', 'close']),
  at: z.number().int(),
  group: z.object({
    id: text,
    status: text,
    isOpen: z.boolean(),
    openedAt: z.number().int(),
    closedAt: z.number().int().optional(),
    openAlerts: z.number().int(),
    alerts: z.number().int(),
  }),
  setting: z.object({ id: text, name: z.string(), memo: z.string().optional() }),
  alert: z
    .object({
      id: text,
      status: text,
      monitorName: z.string(),
      hostName: z.string().optional(),
      service: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  consoleUrl: z.string().optional(),
});

/** One (alert or alert group event, channel) delivery, as the dispatchers queue it. */
export const notificationJobSchema = z.object({
  orgId: text,
  eventId: text,
  channelId: text,
  event: z.union([alertGroupEventSchema, alertEventSchema]),
}) satisfies z.ZodType<NotificationJob>;

const forwardedPointSchema = z.object({
  n: text,
  t: z.number().int(),
  v: z.number(),
  d: z.array(z.tuple([z.enum(FORWARD_DIMENSIONS), z.string()])),
}) satisfies z.ZodType<ForwardedPoint>;

/** Points chosen for CloudWatch: `{"o": org, "p": [points]}` (shared/adapters/sqs/forward-queue.ts). */
export const forwardJobSchema = z.object({ o: text, p: z.array(forwardedPointSchema).min(1) });

/** One checker job: an organization's monitors of one type (shared/domain/monitoring/checker-jobs.ts). */
export const checkerJobSchema = z.object({
  orgId: text,
  type: z.enum(JOB_TYPES),
  monitorIds: z.array(text).min(1).max(100),
  at: z.number().int(),
}) satisfies z.ZodType<CheckerJob>;

/** The input EventBridge Scheduler hands a scheduled function (the template's `Target.Input`). */
export const SCHEDULES = {
  checker: 'saba.checker',
  compaction: 'saba.compaction',
  integrations: 'saba.integrations',
  anomalyTraining: 'saba.anomaly-training',
} as const;

/** Checks a scheduled invocation's input: anything else is not a run of that schedule, and fails. */
export function scheduledRun(schedule: (typeof SCHEDULES)[keyof typeof SCHEDULES]) {
  const schema = z.object({ schedule: z.literal(schedule) });
  return (event: unknown): void => {
    const parsed = schema.safeParse(event);
    if (!parsed.success)
      throw new Error(`not a ${schedule} schedule input: ${JSON.stringify(event)?.slice(0, 200)}`);
  };
}
