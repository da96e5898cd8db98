import { ConflictError, StaleWriteError } from '../errors.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Re-runs a read-modify-write when its conditional write lost a race, after a jittered, growing
 * pause (so a crowd of writers spreads out instead of colliding again). Every try re-reads, so no
 * acknowledged change is lost; after `tries` the caller gets a 409 to retry, never a 500.
 */
export async function retryOnStale<T>(attempt: () => Promise<T>, tries = 30): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof StaleWriteError)) throw err;
      if (i >= tries)
        throw new ConflictError(
          'The resource is being changed by other requests at the same time; try again.',
        );
      await sleep(Math.random() * Math.min(200, 2 ** i));
    }
  }
}
