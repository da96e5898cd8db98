import { METRIC_NAME } from './ast.ts';
import type { Labels } from './values.ts';

/**
 * A series' name in a legend or an alert: the template with each `{{label}}` replaced by the
 * label's value (empty when absent), as Mackerel's and Grafana's legends do; without a template,
 * the series as PromQL writes it, `name{label="value", …}`.
 */
export function legendOf(labels: Labels, template?: string): string {
  if (template) return template.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  const name = labels[METRIC_NAME] ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== METRIC_NAME)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return rest.length > 0 || !name ? `${name}{${rest.join(', ')}}` : name;
}
