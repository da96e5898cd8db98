import type { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import type { Clock } from '#shared/domain/clock.ts';
import type { Deps } from '#shared/ports/deps.ts';
import type { EmailMessage, EmailSender, OutboundHttp } from '#shared/ports/notifications.ts';
import { createOrg } from '#shared/use-cases/admin.ts';
import { registerHost } from '#shared/use-cases/hosts/register-host.ts';
import { postHostMetrics } from '#shared/use-cases/metrics/post-metrics.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';
import { type CheckerSettings, runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';
import { recordRoleSeries } from '#shared/use-cases/monitoring/role-series.ts';
import { addUser } from '#shared/use-cases/users/users.ts';
import type { TestDynamo } from './dynalite.ts';
import { addTestKeys } from './events.ts';

/** A clock the test moves by hand. */
export class StepClock implements Clock {
  ms: number;
  constructor(seconds: number) {
    this.ms = seconds * 1000;
  }
  now(): number {
    return this.ms;
  }
  /** Jumps to `seconds` after the epoch. */
  at(seconds: number): void {
    this.ms = seconds * 1000;
  }
}

export class RecordingEmail implements EmailSender {
  readonly sent: EmailMessage[] = [];
  failures = 0;
  async send(message: EmailMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SMTP is down');
    }
    this.sent.push(message);
  }
}

export type MonitoringDeps = Deps & { notifications: MemoryNotificationQueue; clock: StepClock };

/** A fresh organization `acme` (with its default connectivity monitor) and one member, on a step clock. */
export async function monitoringWorld(dynamo: TestDynamo, start: number): Promise<MonitoringDeps> {
  const clock = new StepClock(start);
  const deps = { ...(await dynamo.deps()), clock } as MonitoringDeps;
  await createOrg(deps, 'acme');
  await addTestKeys(deps, 'acme');
  await addUser(deps, 'acme', 'ops@example.com', 'owner');
  return deps;
}

export async function addHost(deps: Deps, name: string, roles: string[] = []): Promise<string> {
  return (await registerHost(deps, 'acme', { name, meta: {}, roleFullnames: roles })).id;
}

/**
 * Posts like the agent: the given metrics for one host at the clock's time, stored and kept in the
 * role series of the roles expression monitors watch (as the ingest function does after storing).
 */
export async function agentPost(
  deps: Deps,
  hostId: string,
  values: Record<string, number> = { loadavg5: 0.1 },
): Promise<void> {
  const time = Math.floor(deps.clock.now() / 1000);
  const points = Object.entries(values).map(([name, value]) => ({ hostId, name, time, value }));
  const accepted = await postHostMetrics(deps, new WritableOwners(deps.clock, 0), 'acme', points);
  for (const [id, list] of accepted.byHost)
    await recordRoleSeries(deps, new MonitorDirectory(0), 'acme', id, list);
}

const noHttp: OutboundHttp = {
  request: () => Promise.reject(new Error('no HTTP in this test')),
};

export const checkerSettings = (over: Partial<CheckerSettings> = {}): CheckerSettings => ({
  connectivityTimeoutSeconds: 150,
  http: noHttp,
  ...over,
});

export const check = (deps: Deps, over: Partial<CheckerSettings> = {}) =>
  runChecker(deps, checkerSettings(over), () => {}); // an organization's failure shows in what the tests read

/** A webhook channel in the default notification group, as the API and `createChannel` take it. */
export const groupWebhook = (name: string, url: string) => ({
  type: 'webhook' as const,
  name,
  url,
  addToDefaultNotificationGroup: true,
});
