import { cloudWatchSink } from '#shared/adapters/cloudwatch/metric-sink.ts';
import { loadForwardConfig, loadLogLevel } from '#shared/config.ts';
import { createForwarderHandler } from '#shared/handlers/forwarder.ts';
import { createLogger } from '#shared/logging.ts';

const config = loadForwardConfig();
if (!config) throw new Error('The forwarder needs the forward queue and rules in its environment');

/** SQS batch of forwarded points to CloudWatch; a failed PutMetricData fails only its messages. */
export const handler = createForwarderHandler(
  cloudWatchSink(),
  config.rules.namespace,
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
