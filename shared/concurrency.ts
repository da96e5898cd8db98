/**
 * Runs `work` over `items`, at most `limit` at a time, keeping the results in the items' order.
 * When one item fails, no new item starts, and the call rejects (with the first failure) only once
 * the items already running have finished: nothing it started runs on behind its rejection.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  let failed = false;
  const lane = async () => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        out[i] = await work(items[i] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await allSettledOrThrow(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * `Promise.all` that waits for every promise before it fails: when one rejects (a 404 found by a
 * GetItem), the others' store calls still finish before the request answers, so nothing runs on
 * behind a response (in a Lambda container, into the next invocation). The first rejection wins.
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(
  promises: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
