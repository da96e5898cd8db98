import { z } from 'zod';
import { METRIC_NAME } from '../domain/metrics.ts';
import { SENSITIVITIES } from '../domain/monitoring/anomaly/sensitivity.ts';
import {
  isPseudoMetric,
  MONITOR_TYPES,
  type NewMonitor,
  UNSUPPORTED_MONITOR_TYPES,
} from '../domain/monitoring/monitor.ts';
import { ValidationError } from '../errors.ts';
import { parseBody } from './parse.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const scopes = z.array(z.string().min(1).max(127)).max(100).nullish();
const threshold = z.number().finite().nullish();
const metricName = z
  .string()
  .max(255)
  .refine(
    (m) => isPseudoMetric(m) || METRIC_NAME.test(m),
    'must be a metric name or cpu%, memory%, disk%, swap%',
  );

const common = {
  name: z.string().min(1).max(255),
  memo: z.string().max(2048).nullish(),
  notificationInterval: int(10, 7 * 24 * 60).nullish(),
  isMute: z.boolean().nullish(),
};
const thresholds = {
  operator: z.enum(['>', '<']),
  warning: threshold,
  critical: threshold,
};

const connectivity = z.object({
  type: z.literal('connectivity'),
  ...common,
  name: common.name.nullish(),
  scopes,
  excludeScopes: scopes,
  alertStatusOnGone: z.enum(['CRITICAL', 'WARNING']).nullish(),
});

const host = z.object({
  type: z.literal('host'),
  ...common,
  ...thresholds,
  metric: metricName,
  duration: int(1, 10),
  maxCheckAttempts: int(1, 10).nullish(),
  scopes,
  excludeScopes: scopes,
});

const missing = z
  .number()
  .int()
  .min(10)
  .max(7 * 24 * 60)
  .refine((m) => m % 10 === 0, 'must be a multiple of 10')
  .nullish();

const service = z.object({
  type: z.literal('service'),
  ...common,
  ...thresholds,
  service: z.string().min(1).max(63),
  metric: z.string().regex(METRIC_NAME, 'must be a metric name'),
  duration: int(1, 10),
  maxCheckAttempts: int(1, 10).nullish(),
  missingDurationWarning: missing,
  missingDurationCritical: missing,
});

const external = z.object({
  type: z.literal('external'),
  ...common,
  url: z
    .string()
    .max(2048)
    .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an http or https URL'),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).nullish(),
  service: z.string().min(1).max(63).nullish(),
  responseTimeWarning: z.number().finite().positive().nullish(),
  responseTimeCritical: z.number().finite().positive().nullish(),
  responseTimeDuration: int(1, 10).nullish(),
  containsString: z.string().max(1024).nullish(),
  expectedStatusCode: int(100, 599).nullish(),
  maxCheckAttempts: int(1, 10).nullish(),
  certificationExpirationWarning: int(0, 3650).nullish(),
  certificationExpirationCritical: int(0, 3650).nullish(),
  skipCertificateVerification: z.boolean().nullish(),
  followRedirect: z.boolean().nullish(),
  headers: z
    .array(
      z.object({
        name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'must be a header name'),
        value: z.string().max(4096),
      }),
    )
    .max(50)
    .nullish(),
  requestBody: z
    .string()
    .max(16 * 1024)
    .nullish(),
});

const expression = z.object({
  type: z.literal('expression'),
  ...common,
  ...thresholds,
  expression: z.string().min(1).max(4096),
  evaluateBackwardMinutes: int(2, 10).nullish(),
});

const query = z.object({
  type: z.literal('query'),
  ...common,
  ...thresholds,
  query: z.string().min(1).max(4096),
  legend: z.string().max(255).nullish(),
  evaluateBackwardMinutes: int(0, 10).nullish(),
});

const sensitivity = z.enum(SENSITIVITIES).nullish();
const anomalyDetection = z.object({
  type: z.literal('anomalyDetection'),
  ...common,
  scopes: z.array(z.string().min(1).max(127)).max(100),
  warningSensitivity: sensitivity,
  criticalSensitivity: sensitivity,
  maxCheckAttempts: int(1, 10).nullish(),
  trainingPeriodFrom: z.number().int().min(0).nullish(),
});

const monitorSchema = z.discriminatedUnion('type', [
  connectivity,
  host,
  service,
  external,
  expression,
  anomalyDetection,
  query,
]);

/** Drops null and undefined members, so the stored monitor holds only what was set. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/**
 * A monitor body (POST, PUT, and each entry `mkr monitors push` sends) → the monitor to store,
 * without its id. Type-specific rules beyond the field types are checked here too.
 */
export function parseMonitorBody(body: unknown): NewMonitor {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') throw new ValidationError('Invalid request body. type: is required');
  if ((UNSUPPORTED_MONITOR_TYPES as readonly string[]).includes(type))
    throw new ValidationError(`Monitors of type ${type} are not supported by saba.`);
  if (!(MONITOR_TYPES as readonly string[]).includes(type))
    throw new ValidationError(`Invalid monitor type: ${JSON.stringify(type).slice(0, 80)}.`);
  const parsed = parseBody(monitorSchema, body);
  // Thresholds stay, as null when unset: client-go always sends and expects both keys.
  const m = {
    ...compact(parsed),
    ...('operator' in parsed && { warning: parsed.warning ?? null, critical: parsed.critical ?? null }),
  };
  if (m.type === 'connectivity') return { ...m, name: m.name ?? 'connectivity' } as NewMonitor;
  if (m.type === 'anomalyDetection') {
    if (m.scopes.length === 0)
      throw new ValidationError('Invalid request body. scopes: name at least one role (`Service: role`).');
    if (m.warningSensitivity === undefined && m.criticalSensitivity === undefined)
      throw new ValidationError(
        'Invalid request body. warningSensitivity or criticalSensitivity is required.',
      );
    // Mackerel's default, stored so that every client reads back what the monitor does.
    return { ...m, maxCheckAttempts: m.maxCheckAttempts ?? 3 } as NewMonitor;
  }
  if ('warning' in m && m.warning === null && m.critical === null)
    throw new ValidationError('Invalid request body. warning or critical is required.');
  if (m.type === 'host' && isPseudoMetric(m.metric))
    for (const t of [m.warning, m.critical])
      if (typeof t === 'number' && (t < 0 || t > 100))
        throw new ValidationError(`Thresholds of ${m.metric} must be between 0 and 100.`);
  if (m.type === 'external') {
    const hasThreshold = m.responseTimeWarning !== undefined || m.responseTimeCritical !== undefined;
    if (hasThreshold !== (m.responseTimeDuration !== undefined))
      throw new ValidationError(
        'Response time monitoring needs responseTimeDuration and a responseTimeWarning or responseTimeCritical.',
      );
    if (hasThreshold && m.service === undefined)
      throw new ValidationError('Response time monitoring needs a service to graph response times into.');
  }
  return m as NewMonitor;
}
