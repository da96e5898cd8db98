import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { EntityStore } from './entity-store.ts';

/** What use cases receive: ports only, chosen by the composition root. */
export interface Deps {
  entities: EntityStore;
  clock: Clock;
  newId: IdGenerator;
}
