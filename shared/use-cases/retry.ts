import { StaleWriteError } from '../errors.ts';

/** Re-runs a read-modify-write when its conditional write lost a race. */
export async function retryOnStale<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof StaleWriteError) || i >= tries) throw err;
    }
  }
}
