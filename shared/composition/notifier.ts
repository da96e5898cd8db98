import { sesEmailSender } from '../adapters/email/ses.ts';
import { outboundHttp } from '../adapters/http/outbound-http.ts';
import type { AwsConfig, MonitoringConfig } from '../config.ts';
import type { EntityDeps } from '../ports/deps.ts';
import type { Senders } from '../use-cases/notifications/deliver.ts';
import { composeEntityDeps } from './entities.ts';

/** The notifier function's ports: the entity table, SES from the configured sender, guarded HTTP. */
export function composeAwsNotifier(
  config: AwsConfig,
  monitoring: MonitoringConfig,
): { deps: EntityDeps; senders: Senders } {
  return {
    deps: composeEntityDeps(config),
    senders: {
      email: sesEmailSender(monitoring.senderEmail, { ...(config.region && { region: config.region }) }),
      http: outboundHttp({ allowPrivate: monitoring.allowPrivateTargets }),
      ...(monitoring.consoleUrl && { consoleUrl: monitoring.consoleUrl }),
    },
  };
}
