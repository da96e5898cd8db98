import { composeAwsNotifier } from '#shared/composition/notifier.ts';
import { loadAwsConfig, loadLogLevel, loadMonitoringConfig } from '#shared/config.ts';
import { createNotifierHandler } from '#shared/handlers/notifier.ts';
import { createLogger } from '#shared/logging.ts';

const { deps, senders } = composeAwsNotifier(loadAwsConfig(), loadMonitoringConfig());

/** SQS batch of deliveries: each record one (alert event, channel); failures are retried by SQS, then dead-lettered. */
export const handler = createNotifierHandler(
  deps,
  senders,
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
