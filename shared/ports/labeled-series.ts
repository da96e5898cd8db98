import type { LabeledSeries } from '../domain/labeled/otlp.ts';

/**
 * The index of an organization's labeled series: each series once, found by metric name or by any
 * one `label=value`, so a selector is answered from the series it can match, never by reading every
 * series of the organization. Points live in the metric store (one series, one owner).
 */
export interface LabeledSeriesIndex {
  /** Which of these ids are indexed already. */
  known(orgId: string, ids: string[]): Promise<Set<string>>;
  /**
   * Indexes new series while the organization stays within `limit` series; answers the ids indexed
   * (those past the limit are not).
   */
  add(orgId: string, series: LabeledSeries[], limit: number): Promise<Set<string>>;
  byName(orgId: string, name: string): Promise<LabeledSeries[]>;
  byLabel(orgId: string, label: string, value: string): Promise<LabeledSeries[]>;
  /** Every metric name, sorted. */
  names(orgId: string): Promise<string[]>;
  /** Every label name, sorted (`__name__` not among them). */
  labelNames(orgId: string): Promise<string[]>;
  /** Every value a label has, sorted. */
  labelValues(orgId: string, label: string): Promise<string[]>;
  /**
   * Adds a delta sum's increment to its running total once per time (a retried post adds nothing)
   * and answers the total, which is what is stored.
   */
  accumulate(orgId: string, seriesId: string, time: number, delta: number): Promise<number>;
}
