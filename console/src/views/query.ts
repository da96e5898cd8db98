import { legendOf } from '../../../shared/domain/promql/legend.ts';
import { prometheus } from '../api.ts';
import { chart } from '../chart.ts';
import { h } from '../dom.ts';
import { window } from '../time.ts';
import { queryRange } from './dashboards.ts';
import { rangePicker } from './shared.ts';

/** The page's query and legend, kept in the address (`#/query?q=…&legend=…`), so a graph can be shared. */
function stateOf(): { q: string; legend: string } {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { q: params.get('q') ?? '', legend: params.get('legend') ?? '' };
}

function go(q: string, legend: string): void {
  location.hash = `#/query?${new URLSearchParams({ q, ...(legend && { legend }) })}`;
}

/**
 * The query editor: the metric names to pick from, the labels of the chosen metric with their
 * values (a click adds a matcher), the PromQL and the legend template (`{{label}}`), and the graph
 * the query draws, as a query graph widget would.
 */
export async function queryView(rerender: () => void): Promise<Node> {
  const { q, legend } = stateOf();
  const names = await prometheus<string[]>('/label/__name__/values');
  const editor = h('textarea', {
    rows: '3',
    'aria-label': 'PromQL query',
    spellcheck: 'false',
  }) as HTMLTextAreaElement;
  editor.value = q;
  const legendInput = h('input', {
    type: 'text',
    'aria-label': 'legend',
    placeholder: '{{label}}',
  }) as HTMLInputElement;
  legendInput.value = legend;
  const run = () => go(editor.value.trim(), legendInput.value.trim());
  const metricPicker = h(
    'select',
    {
      'aria-label': 'metric',
      onchange: (e: Event) => go((e.target as HTMLSelectElement).value, legendInput.value.trim()),
    },
    h('option', { value: '' }, names.length === 0 ? 'no labeled metrics yet' : 'metric…'),
    ...names.map((n) => h('option', { value: n }, n)),
  );
  const chosen = names.find((n) => q === n || q.startsWith(`${n}{`));
  let labels: Node | null = null;
  if (chosen) {
    const series = await prometheus<Record<string, string>[]>('/series', { 'match[]': `{"${chosen}"}` });
    const byLabel = new Map<string, Set<string>>();
    for (const s of series)
      for (const [k, v] of Object.entries(s))
        if (k !== '__name__') byLabel.set(k, (byLabel.get(k) ?? new Set()).add(v));
    labels = h(
      'dl',
      { class: 'labels', 'data-labels': chosen },
      ...[...byLabel].sort().flatMap(([k, values]) => [
        h(
          'dt',
          {},
          k,
          ' ',
          h('button', { type: 'button', onclick: () => go(q, `${legendInput.value}{{${k}}}`) }, 'legend'),
        ),
        h(
          'dd',
          {},
          ...[...values].sort().map((v) =>
            h(
              'button',
              {
                type: 'button',
                class: 'label-value',
                onclick: () => go(`${chosen}{${JSON.stringify(k)}=${JSON.stringify(v)}}`, legendInput.value),
              },
              v,
            ),
          ),
        ),
      ]),
    );
  }
  let graph: Node | null = null;
  if (q) {
    const { from, to } = window();
    try {
      const series = await queryRange(q, from, to);
      graph = chart({
        title: q,
        series: series.map((s) => ({
          label: legendOf(s.metric, legend || undefined),
          points: s.values.map(([time, v]) => ({ time, value: Number(v) })),
        })),
        from,
        to,
        lines: [],
      });
    } catch (err) {
      graph = h('p', { class: 'error', role: 'alert' }, (err as Error).message);
    }
  }
  return h(
    'section',
    { 'data-query': q },
    h('h1', {}, 'Query'),
    h('div', { class: 'toolbar' }, metricPicker),
    editor,
    h('div', { class: 'toolbar' }, legendInput, h('button', { type: 'button', onclick: run }, 'Run')),
    rangePicker(rerender),
    labels,
    graph,
  );
}
