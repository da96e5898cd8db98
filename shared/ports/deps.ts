import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { EntityStore } from './entity-store.ts';
import type { MetricStore } from './metric-store.ts';
import type { NotificationQueue, TargetPolicy } from './notifications.ts';

/** What the admin use cases and the key check need: no metric store. */
export interface EntityDeps {
  entities: EntityStore;
  clock: Clock;
  newId: IdGenerator;
}

/** What use cases receive: ports only, chosen by the composition root. */
export interface Deps extends EntityDeps {
  metrics: MetricStore;
  /** Alert events go here for delivery. */
  notifications: NotificationQueue;
  /** Which webhook, Slack and external-monitor URLs may be saved. */
  targets: TargetPolicy;
}
