/** The scrape interval Grafana's `$__rate_interval` assumes: saba keeps a point a minute. */
const SCRAPE_MS = 60_000;

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

/**
 * The dashboard variables Mackerel's query graphs and Grafana take, for the range a query is
 * evaluated over: `$__interval` (the step), `$__rate_interval` (max(step + 1 min, 4 min), Grafana's
 * rule for a 1-minute scrape), `$__range` (end − start), `$__from` and `$__to` (epoch ms). Also
 * written `${__interval}`.
 */
export function expandVariables(query: string, range: { start: number; end: number; step: number }): string {
  if (!query.includes('$')) return query;
  const step = range.step > 0 ? range.step : SCRAPE_MS;
  const values: Record<string, string> = {
    __interval: seconds(step),
    __interval_ms: String(step),
    __rate_interval: seconds(Math.max(step + SCRAPE_MS, 4 * SCRAPE_MS)),
    __range: seconds(range.end - range.start),
    __range_s: String(Math.round((range.end - range.start) / 1000)),
    __range_ms: String(range.end - range.start),
    __from: String(range.start),
    __to: String(range.end),
  };
  return query.replace(
    /\$\{(__\w+)\}|\$(__\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      return values[name] ?? whole;
    },
  );
}
