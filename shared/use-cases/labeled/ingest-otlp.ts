import { mapLimited } from '../../concurrency.ts';
import { type LabeledPoint, type OtlpRequest, pointsOf } from '../../domain/labeled/otlp.ts';
import type { MetricOwner } from '../../domain/metrics.ts';
import { windowVerdict } from '../../domain/metrics.ts';
import type { Deps } from '../../ports/deps.ts';
import type { KnownSeries } from './known-series.ts';

/** How many labeled series an organization may have unless its settings say otherwise. */
export const DEFAULT_LABELED_SERIES_LIMIT = 10_000;

/** A labeled series' points are stored under an owner of its own (`~` is in no service name). */
export const seriesOwner = (seriesId: string): MetricOwner => ({ kind: 'service', id: `~${seriesId}` });

export interface OtlpIngestResult {
  accepted: number;
  rejected: number;
  /** Why points were refused, one reason and count each; empty when none were. */
  errorMessage: string;
}

/**
 * OTLP's metrics export: the request's points, as Mackerel keeps them, into the metric store (no
 * heartbeat: a labeled metric says nothing of a host's agent); new series into the index while the
 * organization stays under its limit. Points refused (a bad name, too many series, outside
 * [now − 24 h, now + 1 h]) are counted by reason, for OTLP's partial success; the rest are stored.
 */
export async function ingestOtlp(
  deps: Deps,
  cache: KnownSeries,
  orgId: string,
  request: OtlpRequest,
  /** The organization's series limit, read only when a request brings new series. */
  seriesLimit: () => Promise<number>,
): Promise<OtlpIngestResult> {
  const { points, rejected } = pointsOf(request);
  const reject = (why: string, n = 1) => rejected.set(why, (rejected.get(why) ?? 0) + n);
  const now = Math.floor(deps.clock.now() / 1000);
  const inWindow = points.filter((p) => {
    const verdict = windowVerdict(p.time, now);
    if (verdict !== 'ok') reject('points outside [now - 24h, now + 1h]');
    return verdict === 'ok';
  });
  const bySeries = new Map<string, LabeledPoint[]>();
  for (const p of inWindow) {
    const list = bySeries.get(p.series.id);
    if (list) list.push(p);
    else bySeries.set(p.series.id, [p]);
  }
  const unseen = cache.unknown(orgId, [...bySeries.keys()]);
  const known =
    unseen.length > 0 ? await deps.entities.labeledSeries.known(orgId, unseen) : new Set<string>();
  const fresh = unseen
    .filter((id) => !known.has(id))
    .map((id) => (bySeries.get(id) as LabeledPoint[])[0]?.series);
  const limit = fresh.length > 0 ? await seriesLimit() : 0;
  const admitted = await deps.entities.labeledSeries.add(
    orgId,
    fresh.filter((s) => s !== undefined),
    limit,
  );
  cache.remember(orgId, [...known, ...admitted]);
  for (const s of fresh)
    if (s && !admitted.has(s.id)) {
      reject(`the organization's limit of ${limit} labeled series`, bySeries.get(s.id)?.length ?? 0);
      bySeries.delete(s.id);
    }
  let accepted = 0;
  await mapLimited([...bySeries.values()], 16, async (series) => {
    const sorted = [...series].sort((a, b) => a.time - b.time);
    const values: { name: string; time: number; value: number }[] = [];
    for (const p of sorted) {
      const value = p.delta
        ? await deps.entities.labeledSeries.accumulate(orgId, p.series.id, p.time, p.value)
        : p.value;
      values.push({ name: p.series.name, time: p.time, value });
    }
    const first = sorted[0] as LabeledPoint;
    await deps.metrics.write(orgId, seriesOwner(first.series.id), values, now, false);
    accepted += values.length;
  });
  const total = [...rejected.values()].reduce((n, c) => n + c, 0);
  return {
    accepted,
    rejected: total,
    errorMessage: [...rejected.entries()].map(([why, n]) => `${n} rejected: ${why}`).join('; '),
  };
}
