import { describe, expect, it } from 'vitest';
import { bucketQuantile, pointsOf, seriesOf } from '#shared/domain/labeled/otlp.ts';
import { legendOf } from '#shared/domain/promql/legend.ts';
import { parsePromQL, quoteDottedNames, scopedFlags } from '#shared/domain/promql/parse.ts';
import { expandVariables } from '#shared/domain/promql/variables.ts';

describe('labeled metrics: the small parts', () => {
  it('writes legends from templates, or the series as PromQL does', () => {
    const labels = { __name__: 'nginx.connections', state: 'active', host: 'web-1' };
    expect(legendOf(labels, '{{state}} on {{ host }}')).toBe('active on web-1');
    expect(legendOf(labels, '{{missing}}x')).toBe('x');
    expect(legendOf(labels)).toBe('nginx.connections{host="web-1", state="active"}');
    expect(legendOf({ __name__: 'up' })).toBe('up');
    expect(legendOf({ zone: 'a' })).toBe('{zone="a"}');
  });

  it("expands Grafana's and Mackerel's range variables", () => {
    const range = { start: 1_000_000, end: 1_000_000 + 3_600_000, step: 30_000 };
    expect(expandVariables('rate(x[$__rate_interval]) / $__interval', range)).toBe('rate(x[240s]) / 30s');
    // The braced form, `${__range}`, as Grafana also writes it.
    expect(expandVariables(['increase(x[$', '{__range}])'].join(''), range)).toBe('increase(x[3600s])');
    expect(expandVariables('x @ $__to', range)).toBe('x @ 4600000');
    expect(expandVariables('rate(x[$__rate_interval])', { ...range, step: 300_000 })).toBe('rate(x[360s])');
    expect(expandVariables('$unknown', range)).toBe('$unknown');
  });

  it("quotes Mackerel's bare dotted names, leaving strings and plain names alone", () => {
    expect(
      quoteDottedNames('sum by (http.route) (rate(http.server.duration.count{http.method="GET"}[5m]))'),
    ).toBe('sum by ("http.route") (rate({"http.server.duration.count","http.method"="GET"}[5m]))');
    expect(quoteDottedNames('x{a="b.c"} + 1.5')).toBe('x{a="b.c"} + 1.5');
    expect(parsePromQL('a.b{}')).toEqual(parsePromQL('{"a.b"}'));
  });

  it("scopes RE2's inline flags to their group", () => {
    expect(scopedFlags('((?i)pro).*')).toBe('((?i:pro)).*');
    expect(scopedFlags('(?i)abc')).toBe('(?i:abc)');
    expect(new RegExp(`^(?:${scopedFlags('.*((?i)TION)')})$`).test('production')).toBe(true);
  });

  it('interpolates a percentile within its bucket, bounded by min and max', () => {
    const buckets = [
      { lower: Number.NEGATIVE_INFINITY, upper: 10, count: 3 },
      { lower: 10, upper: 100, count: 1 },
      { lower: 100, upper: Number.POSITIVE_INFINITY, count: 1 },
    ];
    // Rank 4.5 of 5 lies halfway through the last bucket, whose upper end is the maximum, 500.
    expect(bucketQuantile(0.9, buckets, 1, 500)).toBe(300);
    // Rank 2.5 lies in the first bucket, whose lower end is the minimum, 1.
    expect(bucketQuantile(0.5, buckets, 1, 500)).toBeCloseTo(1 + 9 * (2.5 / 3), 12);
    expect(bucketQuantile(0.9, buckets)).toBe(100);
    expect(bucketQuantile(0.5, [])).toBeUndefined();
  });

  it('gives a series the same id whatever the order of its labels, and another for other labels', () => {
    expect(seriesOf('x', { a: '1', b: '2' }).id).toBe(seriesOf('x', { b: '2', a: '1' }).id);
    expect(seriesOf('x', { a: '1' }).id).not.toBe(seriesOf('x', { a: '2' }).id);
    expect(seriesOf('x', { a: '1' }).id).not.toBe(seriesOf('y', { a: '1' }).id);
  });

  it('reads summaries, skips points without a recorded value and non-finite values', () => {
    const { points, rejected } = pointsOf({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'rpc.latency',
                  summary: {
                    dataPoints: [
                      {
                        timeUnixNano: '60000000000',
                        count: '4',
                        sum: 10,
                        quantileValues: [
                          { quantile: 0.99, value: 9 },
                          { quantile: 0.9, value: Number.POSITIVE_INFINITY },
                        ],
                      },
                    ],
                  },
                },
                {
                  name: 'gone',
                  gauge: { dataPoints: [{ timeUnixNano: '60000000000', asDouble: 1, flags: 1 }] },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(rejected.size).toBe(0);
    expect(points.map((p) => [p.series.name, p.time, p.value])).toEqual([
      ['rpc.latency.count', 60, 4],
      ['rpc.latency.sum', 60, 10],
      ['rpc.latency.99', 60, 9],
    ]);
  });
});
