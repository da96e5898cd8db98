import { mapLimited } from '../../concurrency.ts';
import type { LabeledSeries } from '../../domain/labeled/otlp.ts';
import { type Matcher, METRIC_NAME } from '../../domain/promql/ast.ts';
import { evaluate, type QueryResult } from '../../domain/promql/engine.ts';
import { matchesEmpty, PromQLParseError, parsePromQL } from '../../domain/promql/parse.ts';
import { matches, type RawSeries, type SeriesSource } from '../../domain/promql/values.ts';
import { expandVariables } from '../../domain/promql/variables.ts';
import type { Deps } from '../../ports/deps.ts';
import { seriesOwner } from './ingest-otlp.ts';

/** Prometheus refuses a range query with more steps than this per series. */
export const MAX_STEPS = 11_000;

/**
 * The series a selector can match, from the index: by metric name when it names one, else by its
 * first `label="value"`, else (only regexes and negations) by every metric name its name matcher
 * accepts. Then every matcher is applied to each candidate.
 */
export async function selectSeries(deps: Deps, orgId: string, matchers: Matcher[]): Promise<LabeledSeries[]> {
  const index = deps.entities.labeledSeries;
  const byName = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
  const byLabel = matchers.find((m) => m.type === '=' && m.value !== '');
  let candidates: LabeledSeries[];
  if (byName) candidates = await index.byName(orgId, byName.value);
  else if (byLabel) candidates = await index.byLabel(orgId, byLabel.name, byLabel.value);
  else {
    const nameMatcher = matchers.find((m) => m.name === METRIC_NAME);
    if (!nameMatcher || matchesEmpty(nameMatcher))
      throw new PromQLParseError('a selector needs a metric name, a name pattern or a label="value" matcher');
    const names = (await index.names(orgId)).filter((n) => matches(nameMatcher, { [METRIC_NAME]: n }));
    candidates = (await mapLimited(names, 8, (n) => index.byName(orgId, n))).flat();
  }
  return candidates.filter((s) => matchers.every((m) => matches(m, { ...s.labels, [METRIC_NAME]: s.name })));
}

/** The engine's view of an organization's labeled metrics: the index, then the metric store (one read a metric name). */
export function labeledSource(deps: Deps, orgId: string): SeriesSource {
  return {
    async select(matchers, from, to) {
      const series = await selectSeries(deps, orgId, matchers);
      const byName = new Map<string, LabeledSeries[]>();
      for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
      const read = await mapLimited([...byName], 4, async ([name, list]) => {
        const points = await deps.metrics.rangeMany(
          orgId,
          list.map((s) => seriesOwner(s.id)),
          name,
          Math.floor(from / 1000),
          Math.ceil(to / 1000),
          60,
        );
        return list.map((s): RawSeries => {
          const own = points[seriesOwner(s.id).id] ?? [];
          return {
            labels: { ...s.labels, [METRIC_NAME]: s.name },
            t: own.map((p) => p.time * 1000),
            v: own.map((p) => p.value),
          };
        });
      });
      return read.flat();
    },
  };
}

/** `GET/POST /api/v1/query`: an instant query at `time` (ms). */
export function instantQuery(deps: Deps, orgId: string, query: string, time: number): Promise<QueryResult> {
  return evaluate(parsePromQL(query), labeledSource(deps, orgId), {
    start: time,
    end: time,
    step: 0,
    instant: true,
  });
}

/** `GET/POST /api/v1/query_range`: start, end and step in ms. */
export function rangeQuery(
  deps: Deps,
  orgId: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<QueryResult> {
  if (end < start) throw new PromQLParseError('end timestamp must not be before start time');
  if (step <= 0)
    throw new PromQLParseError(
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if ((end - start) / step > MAX_STEPS)
    throw new PromQLParseError(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  return evaluate(parsePromQL(expandVariables(query, { start, end, step })), labeledSource(deps, orgId), {
    start,
    end,
    step,
  });
}

/** The series the `match[]` selectors name (their labels, the name as `__name__`). */
export async function seriesMatching(
  deps: Deps,
  orgId: string,
  selectors: string[],
): Promise<Record<string, string>[]> {
  const seen = new Map<string, Record<string, string>>();
  for (const text of selectors) {
    const expr = parsePromQL(text);
    if (expr.kind !== 'vector') throw new PromQLParseError(`match[] must be a series selector: ${text}`);
    for (const s of await selectSeries(deps, orgId, expr.matchers))
      seen.set(s.id, { [METRIC_NAME]: s.name, ...s.labels });
  }
  return [...seen.values()];
}

/** Label names: of the series `match[]` selects, or of every series. */
export async function labelNames(deps: Deps, orgId: string, selectors: string[]): Promise<string[]> {
  if (selectors.length === 0)
    return [METRIC_NAME, ...(await deps.entities.labeledSeries.labelNames(orgId))].sort();
  const names = new Set<string>();
  for (const s of await seriesMatching(deps, orgId, selectors)) for (const k of Object.keys(s)) names.add(k);
  return [...names].sort();
}

/** A label's values (`__name__`: the metric names): of the series `match[]` selects, or of every series. */
export async function labelValues(
  deps: Deps,
  orgId: string,
  label: string,
  selectors: string[],
): Promise<string[]> {
  if (selectors.length === 0)
    return label === METRIC_NAME
      ? deps.entities.labeledSeries.names(orgId)
      : deps.entities.labeledSeries.labelValues(orgId, label);
  const values = new Set<string>();
  for (const s of await seriesMatching(deps, orgId, selectors))
    if (s[label] !== undefined) values.add(s[label] as string);
  return [...values].sort();
}
