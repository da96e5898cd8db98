import type { ForwardedPoint } from '../../domain/forwarding.ts';
import type { Logger } from '../../logging.ts';
import type { MetricSink } from '../../ports/metric-forwarding.ts';

/** PutMetricData takes at most 1,000 datums and 1 MB a call. */
export const MAX_DATUMS_PER_CALL = 1000;
export const MAX_BYTES_PER_CALL = 1_000_000;
/** A datum's size on the wire, generously: its JSON with the SDK's longer member names. */
export const datumBytes = (p: ForwardedPoint): number => 2 * JSON.stringify(p).length + 64;

export interface QueuedBatch {
  /** The queue message the points came in (what a failure is reported by). */
  id: string;
  points: ForwardedPoint[];
}

/**
 * A batch of queue messages to CloudWatch: messages packed whole into calls of at most 1,000 datums
 * and 1 MB, calls made one after another. Answers the ids of messages whose call failed, so only
 * those are retried (and dead-lettered after their last attempt).
 */
export async function deliverForwarded(
  sink: MetricSink,
  namespace: string,
  messages: QueuedBatch[],
  logger: Pick<Logger, 'error'>,
): Promise<{ failed: string[]; sent: number; calls: number }> {
  /** `shared`: other messages may join the call (not the parts of a split message). */
  const calls: { ids: string[]; points: ForwardedPoint[]; bytes: number; shared: boolean }[] = [];
  for (const message of messages) {
    const bytes = message.points.reduce((s, p) => s + datumBytes(p), 0);
    if (message.points.length > MAX_DATUMS_PER_CALL || bytes > MAX_BYTES_PER_CALL) {
      // Never produced by the ingest side (it splits messages well below); split rather than fail.
      for (let i = 0; i < message.points.length; i += MAX_DATUMS_PER_CALL / 2)
        calls.push({
          ids: [message.id],
          points: message.points.slice(i, i + MAX_DATUMS_PER_CALL / 2),
          bytes: 0,
          shared: false,
        });
      continue;
    }
    const last = calls.at(-1);
    if (
      last?.shared &&
      last.points.length + message.points.length <= MAX_DATUMS_PER_CALL &&
      last.bytes + bytes <= MAX_BYTES_PER_CALL
    ) {
      last.ids.push(message.id);
      last.points.push(...message.points);
      last.bytes += bytes;
    } else calls.push({ ids: [message.id], points: [...message.points], bytes, shared: true });
  }
  const failed = new Set<string>();
  let sent = 0;
  for (const call of calls) {
    if (call.ids.every((id) => failed.has(id))) continue;
    try {
      await sink.put(namespace, call.points);
      sent += call.points.length;
    } catch (err) {
      logger.error('PutMetricData failed', err, { messages: call.ids.join(',') });
      for (const id of call.ids) failed.add(id);
    }
  }
  return { failed: [...failed], sent, calls: calls.length };
}
