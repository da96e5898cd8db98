/** Robust statistics on plain arrays: medians by selection, not sorting, so a host-day costs O(n). */

/** σ of a normal distribution from its median absolute deviation. */
export const MAD_TO_SIGMA = 1.4826;

/** Rearranges `a[lo..hi]` so that `a[k]` holds the value of rank k (Hoare's selection). */
function select(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

/** The median of the first `n` values of `a` (reordered in place); NaN when n is 0. */
export function medianInPlace(a: Float64Array, n = a.length): number {
  if (n === 0) return Number.NaN;
  const view = n === a.length ? a : a.subarray(0, n);
  const upper = select(view, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, view[i] as number);
  return (lower + upper) / 2;
}

export const median = (values: readonly number[]): number => medianInPlace(Float64Array.from(values));

/** Robust σ of the first `n` values around `center` (reuses `scratch`). */
export function robustSpread(a: Float64Array, n: number, center: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = Math.abs((a[i] as number) - center);
  return MAD_TO_SIGMA * medianInPlace(scratch, n);
}

/** The median of `sorted` with one occurrence of `own` left out: a host is not its own peer. */
export function medianWithout(sorted: readonly number[], own: number): number {
  const skip = sorted.indexOf(own);
  const n = sorted.length - (skip >= 0 ? 1 : 0);
  if (n <= 0) return Number.NaN;
  const at = (j: number) => sorted[skip >= 0 && j >= skip ? j + 1 : j] as number;
  return n % 2 === 1 ? at(n >> 1) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

export const round = (v: number, digits = 4): number => Number(v.toPrecision(digits));
