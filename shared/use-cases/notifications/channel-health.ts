/** The first back-off after a channel timed out; each timeout in a row doubles it, up to the cap. */
const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Which channels keep timing out, remembered per process: a channel that timed out is not sent to
 * again until its back-off has passed (its deliveries fail at once and the queue retries them
 * later), so a dead endpoint costs one timeout per back-off, not one per notification. Any
 * answer from the channel, good or bad, ends its back-off.
 */
export class ChannelHealth {
  readonly #timeouts = new Map<string, { inARow: number; until: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Epoch ms until which the channel is backed off, or undefined when it may be sent to. */
  backedOffUntil(channelKey: string): number | undefined {
    const state = this.#timeouts.get(channelKey);
    return state && state.until > this.#now() ? state.until : undefined;
  }

  timedOut(channelKey: string): void {
    const inARow = (this.#timeouts.get(channelKey)?.inARow ?? 0) + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (inARow - 1));
    if (this.#timeouts.size > 10_000) this.#timeouts.clear();
    this.#timeouts.set(channelKey, { inARow, until: this.#now() + backoff });
  }

  answered(channelKey: string): void {
    this.#timeouts.delete(channelKey);
  }
}
