import type { ForwardedPoint } from '../domain/forwarding.ts';

/** Points on their way to CloudWatch wait here (SQS on AWS), so the post does not wait for CloudWatch. */
export interface ForwardQueue {
  send(orgId: string, points: ForwardedPoint[]): Promise<void>;
}

/** Where forwarded points end up: CloudWatch's PutMetricData. One call, all or nothing. */
export interface MetricSink {
  put(namespace: string, points: ForwardedPoint[]): Promise<void>;
}
