import { describe, expect, it } from 'vitest';
import { mapLimited } from '#shared/concurrency.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimited', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
      most = Math.max(most, ++running);
      await tick(n);
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('on a failure starts nothing new and rejects only after the running items finished', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const run = mapLimited([0, 1, 2, 3, 4, 5], 3, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('read failed');
      await tick(20);
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('read failed');
    // 0 and 2 were running when 1 failed: they finished before the rejection; 3, 4, 5 never started.
    expect(finished.sort()).toEqual([0, 2]);
    expect(started.sort()).toEqual([0, 1, 2]);
  });
});
