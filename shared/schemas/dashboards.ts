import { z } from 'zod';

/** Mackerel's urlPath: segments of letters, digits, `_` and `-` (not first), joined by `/`. */
export const URL_PATH = /^([A-Za-z0-9_][-A-Za-z0-9_]*)(\/[A-Za-z0-9_][-A-Za-z0-9_]*)*$/;

const id = z.string().min(1).max(255);
const roleFullname = z.string().regex(/^[^:\s]+:[^:\s]+$/, 'a role is written service:role');

/** Sizes per widget type, the 24 columns and overlaps are checked with the whole dashboard (domain/dashboard.ts). */
const layout = z.object({
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0).max(10_000),
  width: z.number().int().min(1).max(24),
  height: z.number().int().min(1).max(1_000),
});

/** The metric of a graph or value widget. Go clients send `null` for an unset one. */
const source = z.discriminatedUnion('type', [
  z.object({ type: z.literal('host'), hostId: id, name: z.string().min(1).max(255) }),
  z.object({
    type: z.literal('role'),
    roleFullname,
    name: z.string().min(1).max(255),
    isStacked: z.boolean().nullish(),
  }),
  z.object({ type: z.literal('service'), serviceName: id, name: z.string().min(1).max(255) }),
  z.object({ type: z.literal('expression'), expression: z.string().min(1).max(4096) }),
  z.object({
    type: z.literal('query'),
    query: z.string().min(1).max(4096),
    legend: z.string().max(255).nullish(),
  }),
  z.object({ type: z.literal('unknown') }),
]);

const range = z.discriminatedUnion('type', [
  z.object({ type: z.literal('relative'), period: z.number().int().min(1), offset: z.number().int() }),
  z.object({ type: z.literal('absolute'), start: z.number().int().min(0), end: z.number().int().min(0) }),
]);

const common = { title: z.string().max(255), layout };

const widget = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('graph'),
    ...common,
    graph: source.nullish(),
    range: range.nullish(),
    valueRange: z.object({ min: z.number().nullish(), max: z.number().nullish() }).nullish(),
    referenceLines: z
      .array(
        z.object({
          label: z
            .string()
            .max(32)
            .refine((l) => l.trim() !== '', 'a reference line needs a label'),
          value: z.number().min(0),
        }),
      )
      .max(1, 'a graph has at most one reference line')
      .nullish(),
    legendList: z.array(z.string().max(255)).max(100).nullish(),
  }),
  z.object({
    type: z.literal('value'),
    ...common,
    metric: source.nullish(),
    fractionSize: z.number().int().min(0).max(16).nullish(),
    suffix: z.string().max(32).nullish(),
    formatRules: z
      .array(z.object({ name: z.string().max(32), threshold: z.number(), operator: z.enum(['>', '<']) }))
      .max(10)
      .nullish(),
  }),
  z.object({ type: z.literal('markdown'), ...common, markdown: z.string().max(100_000).nullish() }),
  z.object({ type: z.literal('alertStatus'), ...common, roleFullname: roleFullname.nullish() }),
]);

const widgets = z.array(widget).max(200);

/** A new dashboard: `widgets` may be left out (or null, as client-go sends an empty list). */
export const dashboardSchema = z.object({
  title: z.string().min(1).max(255),
  urlPath: z.string().max(255).regex(URL_PATH, 'urlPath is segments of letters, digits, _ and - joined by /'),
  memo: z.string().max(2048).nullish(),
  widgets: widgets.nullish(),
});

/**
 * A dashboard replaced whole: `widgets` must be an array. A `null` (a file pulled from a list that
 * lacked widgets) would otherwise wipe every widget; `[]` still empties a dashboard on purpose.
 */
export const dashboardUpdateSchema = dashboardSchema.extend({
  widgets: z.array(widget, { error: 'widgets must be an array (send [] to remove every widget)' }).max(200),
});

export type DashboardBody = z.output<typeof dashboardSchema>;
export type WidgetBody = z.output<typeof widget>;
