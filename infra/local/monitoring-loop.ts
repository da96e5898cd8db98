import type { LocalDeps } from '#shared/composition/local.ts';
import type { MonitoringConfig } from '#shared/config.ts';
import type { OutboundHttp } from '#shared/ports/notifications.ts';
import { type CheckerRunStats, runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { deliverNotification, type Senders } from '#shared/use-cases/notifications/deliver.ts';

export interface MonitoringLoop {
  /** One checker run now (tests call it; the timer calls it every interval). */
  check(): Promise<CheckerRunStats | undefined>;
  /** Delivers every due notification now. */
  deliver(): Promise<number>;
  stop(): Promise<void>;
}

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
 * SABA_CHECK_INTERVAL_SECONDS), deliveries right after each enqueue and every second for retries.
 * Silence from before the process started is not held against hosts: a restart alerts nobody.
 */
export function startMonitoringLoop(
  deps: LocalDeps,
  config: MonitoringConfig,
  senders: Senders & { http: OutboundHttp },
  log: (line: string) => void,
): MonitoringLoop {
  const watchingSince = Math.floor(deps.clock.now() / 1000);
  const report = (msg: string, err: unknown) => log(`${msg}: ${(err as Error)?.stack ?? String(err)}`);
  const check = serialized(() =>
    runChecker(
      deps,
      { connectivityTimeoutSeconds: config.connectivityTimeoutSeconds, watchingSince, http: senders.http },
      report,
    ),
  );
  const deliver = serialized(() =>
    deps.notifications.drain(
      (job) => deliverNotification(deps, senders, job),
      (line) => log(line),
    ),
  );
  const guard = (p: Promise<unknown>) => p.catch((err) => report('monitoring loop', err));
  deps.notifications.onSend(() => void guard(deliver()));
  const checker = setInterval(() => void guard(check()), config.checkIntervalSeconds * 1000);
  const retries = setInterval(() => void guard(deliver()), 1000);
  checker.unref();
  retries.unref();
  return {
    check,
    deliver: async () => (await deliver()) ?? 0,
    async stop() {
      clearInterval(checker);
      clearInterval(retries);
      deps.notifications.onSend(() => {});
      await Promise.allSettled([check(), deliver()]);
    },
  };
}
