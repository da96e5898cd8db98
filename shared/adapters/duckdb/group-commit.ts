/**
 * Runs queued work in batches: every caller waits for the one commit that includes its work, and
 * while a commit runs, new work piles up for the next. Many concurrent posts thus share one
 * durable transaction instead of each paying for its own.
 */
export class GroupCommit<T> {
  #pending: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #running = false;
  readonly #commit: (items: T[]) => Promise<void>;

  constructor(commit: (items: T[]) => Promise<void>) {
    this.#commit = commit;
  }

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#commit(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#running = false;
  }
}
