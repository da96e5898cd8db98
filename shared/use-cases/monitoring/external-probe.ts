import { epochSeconds } from '../../domain/clock.ts';
import type { AlertStatus, ExternalMonitor } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import { type HttpAnswer, type OutboundHttp, TargetRefusedError } from '../../ports/notifications.ts';
import type { Evaluation } from './alert-engine.ts';

/** How long one external check may take, and how much of the answer is read for `containsString`. */
export const EXTERNAL_TIMEOUT_MS = 15_000;
export const EXTERNAL_MAX_BODY = 1024 * 1024;

/** Response times go to the monitor's service as this metric, as Mackerel graphs them. */
export const responseTimeMetric = (monitorId: string) => `__externalhttp.responsetime.${monitorId}`;

const worse = (a: AlertStatus, b: AlertStatus): AlertStatus => {
  const rank = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };
  return rank[b] > rank[a] ? b : a;
};

/** The verdict on one answer; `responseTime` is the average over responseTimeDuration when set. */
export function judgeAnswer(
  m: ExternalMonitor,
  answer: HttpAnswer,
  responseTime: number,
  now: number,
): { status: AlertStatus; message: string } {
  const expected = m.expectedStatusCode;
  if (expected !== undefined ? answer.status !== expected : answer.status < 200 || answer.status >= 400)
    return { status: 'CRITICAL', message: `${m.method ?? 'GET'} ${m.url} answered ${answer.status}` };
  if (m.containsString !== undefined && !answer.body.includes(m.containsString))
    return {
      status: 'CRITICAL',
      message: `The response does not contain ${JSON.stringify(m.containsString)}`,
    };
  let status: AlertStatus = 'OK';
  const notes: string[] = [];
  if (m.responseTimeCritical !== undefined && responseTime > m.responseTimeCritical) status = 'CRITICAL';
  else if (m.responseTimeWarning !== undefined && responseTime > m.responseTimeWarning) status = 'WARNING';
  if (status !== 'OK') notes.push(`response time ${responseTime.toFixed(0)} ms`);
  if (answer.certificateExpiresAt !== undefined) {
    const days = (answer.certificateExpiresAt - now) / 86400;
    const cert: AlertStatus =
      m.certificationExpirationCritical !== undefined && days <= m.certificationExpirationCritical
        ? 'CRITICAL'
        : m.certificationExpirationWarning !== undefined && days <= m.certificationExpirationWarning
          ? 'WARNING'
          : 'OK';
    if (cert !== 'OK') notes.push(`certificate expires in ${Math.floor(days)} days`);
    status = worse(status, cert);
  }
  return {
    status,
    message: notes.length > 0 ? notes.join('; ') : `${answer.status} in ${answer.elapsedMs.toFixed(0)} ms`,
  };
}

/** Runs one external HTTP monitor: the request, its response time stored as a service metric, the verdict. */
export async function probeExternal(
  deps: Deps,
  orgId: string,
  m: ExternalMonitor,
  http: OutboundHttp,
): Promise<Evaluation> {
  const now = epochSeconds(deps.clock);
  const base = {
    monitor: m,
    target: { monitorId: m.id },
    alertType: 'external' as const,
    maxCheckAttempts: m.maxCheckAttempts ?? 1,
    ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
  };
  let answer: HttpAnswer;
  try {
    answer = await http.request({
      url: m.url,
      method: m.method ?? 'GET',
      headers: Object.fromEntries((m.headers ?? []).map((h) => [h.name, h.value])),
      ...(m.requestBody !== undefined && m.method !== 'GET' && { body: m.requestBody }),
      timeoutMs: EXTERNAL_TIMEOUT_MS,
      followRedirects: m.followRedirect ?? false,
      skipCertificateVerification: m.skipCertificateVerification ?? false,
      maxBodyBytes: EXTERNAL_MAX_BODY,
    });
  } catch (err) {
    const why = err instanceof TargetRefusedError ? err.message : `request failed: ${(err as Error).message}`;
    return { ...base, observation: { status: 'CRITICAL', message: why } };
  }
  let responseTime = answer.elapsedMs;
  if (m.service !== undefined) {
    const owner = { kind: 'service' as const, id: m.service };
    const metric = responseTimeMetric(m.id);
    await deps.metrics.write(orgId, owner, [{ name: metric, time: now, value: answer.elapsedMs }], now);
    if (m.responseTimeDuration !== undefined && m.responseTimeDuration > 1) {
      const points = await deps.metrics.range(
        orgId,
        owner,
        metric,
        now - m.responseTimeDuration * 60 + 1,
        now,
        60,
      );
      if (points.length > 0) responseTime = points.reduce((s, p) => s + p.value, 0) / points.length;
    }
  }
  const verdict = judgeAnswer(m, answer, responseTime, now);
  return {
    ...base,
    observation: {
      status: verdict.status,
      message: verdict.message,
      ...(m.responseTimeDuration !== undefined && { value: responseTime }),
    },
  };
}
