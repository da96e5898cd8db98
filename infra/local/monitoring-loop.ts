import type { LocalDeps } from '#shared/composition/local.ts';
import type { MonitoringConfig } from '#shared/config.ts';
import { epochSeconds } from '#shared/domain/clock.ts';
import { createAnomalyTrainingHandler } from '#shared/handlers/anomaly-training.ts';
import { createCheckerHandler } from '#shared/handlers/checker.ts';
import { createIntegrationsHandler, quietScaleIn } from '#shared/handlers/integrations.ts';
import type { Logger } from '#shared/logging.ts';
import type { CloudAccess } from '#shared/ports/cloud.ts';
import type { OutboundHttp } from '#shared/ports/notifications.ts';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import type { IntegrationsRunStats } from '#shared/use-cases/integrations/run-integrations.ts';
import type { TrainingRunStats } from '#shared/use-cases/monitoring/anomaly-training.ts';
import type { CheckerRunStats } from '#shared/use-cases/monitoring/checker.ts';
import { ChannelHealth } from '#shared/use-cases/notifications/channel-health.ts';
import { notificationDelivery, type Senders } from '#shared/use-cases/notifications/deliver.ts';

export interface MonitoringLoop {
  /** One checker run now (tests call it; the timer calls it every interval). */
  check(): Promise<CheckerRunStats | undefined>;
  /** Delivers the due notifications that no delivery holds yet; resolves once they have settled. */
  deliver(): Promise<number>;
  /** One AWS integrations run now (the timer runs it every 5 minutes). */
  collect(): Promise<IntegrationsRunStats | undefined>;
  /** One anomaly training run now (the timer runs it hourly). */
  train(): Promise<TrainingRunStats | undefined>;
  stop(): Promise<void>;
}

/** Anomaly models are looked at hourly, as on AWS; a run trains only those that are due. */
const TRAINING_INTERVAL_MS = 3600_000;
const FIRST_TRAINING_MS = 60_000;

/** Runs `task` at most once at a time; a call during a run makes one more run after it. */
function serialized<T>(task: () => Promise<T>): () => Promise<T | undefined> {
  let running: Promise<T | undefined> | undefined;
  let again = false;
  const run = async (): Promise<T | undefined> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let result: T | undefined;
      do {
        again = false;
        result = await task();
      } while (again);
      return result;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  return run;
}

/**
 * Local mode's checker and notifier: the checker on an in-process timer (every
 * SABA_CHECK_INTERVAL_SECONDS); deliveries right after each enqueue and every second for retries,
 * concurrently (a slow channel holds only its own job), each within its deadline. Silence from
 * before the process started is not held against hosts, and a delivery claimed before it started
 * was left by a killed process: it is taken over at once, with the same delivery id.
 */
export function startMonitoringLoop(
  deps: LocalDeps,
  config: MonitoringConfig,
  senders: Senders & { http: OutboundHttp },
  logger: Logger,
  cloud: CloudAccess,
): MonitoringLoop {
  const watchingSince = epochSeconds(deps.clock);
  const runChecker = createCheckerHandler(
    deps,
    {
      connectivityTimeoutSeconds: config.connectivityTimeoutSeconds,
      watchingSince,
      http: senders.http,
      beforeSilenceAlert: quietScaleIn(cloud, logger),
    },
    logger,
  );
  // AWS integrations read the account of the environment's credentials (never stored by saba).
  const runIntegrations = createIntegrationsHandler(deps, cloud, logger);
  const collect = serialized(() => runIntegrations({ schedule: SCHEDULES.integrations }));
  const runTraining = createAnomalyTrainingHandler(deps, logger);
  const train = serialized(() => runTraining({ schedule: SCHEDULES.anomalyTraining }));
  // The same input EventBridge Scheduler hands the checker on AWS.
  const check = serialized(() => runChecker({ schedule: SCHEDULES.checker }));
  const delivery = notificationDelivery(deps, senders, {
    health: new ChannelHealth(() => deps.clock.now()),
    claimsValidSince: watchingSince,
  });
  const running = new Set<Promise<number>>();
  const deliver = (): Promise<number> => {
    const drain = deps.notifications.drain(
      async (job) => {
        const outcome = await delivery(job);
        logger.info('notification', { outcome, org: job.orgId, channel: job.channelId, event: job.eventId });
      },
      (err, attempts, parked) => logger.warn('notification failed', { error: err.message, attempts, parked }),
    );
    running.add(drain);
    return drain.finally(() => running.delete(drain));
  };
  // Timer-started runs are kept until they end, so stopping waits for them (no store call outlives it).
  const started = new Set<Promise<unknown>>();
  const guard = (p: Promise<unknown>) => {
    const run = p.catch((err) => logger.error('monitoring loop', err));
    started.add(run);
    void run.finally(() => started.delete(run));
    return run;
  };
  deps.notifications.onSend(() => void guard(deliver()));
  const checker = setInterval(() => void guard(check()), config.checkIntervalSeconds * 1000);
  const retries = setInterval(() => void guard(deliver()), 1000);
  const integrations = setInterval(() => void guard(collect()), config.integrationIntervalSeconds * 1000);
  // A first look soon after start (a monitor made while the server was down trains now), then hourly.
  const firstTraining = setTimeout(() => void guard(train()), FIRST_TRAINING_MS);
  const training = setInterval(() => void guard(train()), TRAINING_INTERVAL_MS);
  firstTraining.unref();
  checker.unref();
  retries.unref();
  integrations.unref();
  training.unref();
  return {
    check,
    deliver,
    collect,
    train,
    async stop() {
      clearInterval(checker);
      clearInterval(retries);
      clearInterval(integrations);
      clearTimeout(firstTraining);
      clearInterval(training);
      deps.notifications.onSend(() => {});
      await Promise.allSettled([check(), ...running, ...started]);
    },
  };
}
