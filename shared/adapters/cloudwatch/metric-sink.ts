import { CloudWatchClient, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { ForwardedPoint } from '../../domain/forwarding.ts';
import type { MetricSink } from '../../ports/metric-forwarding.ts';

/** PutMetricData, one call per `put` (the caller keeps within 1,000 datums and 1 MB). */
export function cloudWatchSink(client = new CloudWatchClient({})): MetricSink {
  return {
    async put(namespace, points: ForwardedPoint[]) {
      await client.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: points.map((p) => ({
            MetricName: p.n,
            Timestamp: new Date(p.t * 1000),
            Value: p.v,
            Unit: StandardUnit.None,
            StorageResolution: 60,
            Dimensions: p.d.map(([Name, Value]) => ({ Name, Value })),
          })),
        }),
      );
    },
  };
}
