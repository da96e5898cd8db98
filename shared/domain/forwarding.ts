import { z } from 'zod';
import type { HostSummary } from './host.ts';
import type { NamedPoint } from './metrics.ts';

/**
 * Mirroring chosen metrics into CloudWatch (opt-in on AWS). The rules say which points go (metric
 * name patterns; hosts, services and roles) and which dimensions they carry. CloudWatch bills every
 * distinct (namespace, name, dimensions) series, so a host point carries one value per dimension:
 * one series per host and metric at most, whatever the host's roles.
 */
export const FORWARD_DIMENSIONS = ['HostId', 'HostName', 'Service', 'Role'] as const;
export type ForwardDimension = (typeof FORWARD_DIMENSIONS)[number];

export const DEFAULT_FORWARD_NAMESPACE = 'Saba';

const pattern = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[-a-zA-Z0-9._*]+$/,
    'a metric name pattern has letters, digits, . - _ and * (any run of characters)',
  );

export const forwardRulesSchema = z
  .object({
    /** Metric names to mirror; `*` matches any run of characters (`cpu.*`, `custom.*.p99`). */
    metrics: z.array(pattern).min(1).max(100),
    /** Only these hosts (ids or names). */
    hosts: z.array(z.string().min(1).max(255)).max(1000).optional(),
    /** Only hosts in these services (and these services' own metrics). */
    services: z.array(z.string().min(1).max(63)).max(100).optional(),
    /** Only hosts in these roles (`service:role`). */
    roles: z
      .array(z.string().regex(/^[^:\s]+:[^:\s]+$/, 'a role is written service:role'))
      .max(100)
      .optional(),
    /** CloudWatch namespace; `AWS/` is reserved by AWS. */
    namespace: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[a-zA-Z0-9._/#:-]+$/, 'a namespace has letters, digits and . - _ / # :')
      .refine((n) => !n.startsWith('AWS/'), 'namespaces starting with AWS/ are reserved by AWS')
      .default(DEFAULT_FORWARD_NAMESPACE),
    /** Dimensions of host points (service points carry Service only). */
    dimensions: z
      .array(z.enum(FORWARD_DIMENSIONS))
      .min(1)
      .max(4)
      .default(['HostId', 'HostName', 'Service', 'Role']),
  })
  .strict();

export type ForwardRules = z.output<typeof forwardRulesSchema>;
export type ForwardRulesInput = z.input<typeof forwardRulesSchema>;

/** Rules from their written forms: a comma-separated list of metric patterns, JSON, or an object. */
export function parseForwardRules(value: unknown): ForwardRules {
  let input = value;
  if (typeof value === 'string') {
    const text = value.trim();
    input = text.startsWith('{') ? JSON.parse(text) : { metrics: text.split(',').map((s) => s.trim()) };
  }
  const parsed = forwardRulesSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `forwardToCloudWatch: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** One point on its way to CloudWatch: name, time (epoch s), value, dimensions in order. */
export interface ForwardedPoint {
  n: string;
  t: number;
  v: number;
  d: [ForwardDimension, string][];
}

const matcher = (patterns: string[]): RegExp =>
  new RegExp(
    `^(?:${patterns.map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`,
  );

/**
 * CloudWatch refuses NaN, ±Infinity and magnitudes outside [2^-360, 2^360] (zero is fine), and
 * names over 255 characters: such points are never sent.
 */
export const acceptedByCloudWatch = (p: NamedPoint): boolean =>
  Number.isFinite(p.value) &&
  (p.value === 0 || (Math.abs(p.value) >= 2 ** -360 && Math.abs(p.value) <= 2 ** 360)) &&
  p.name.length <= 255;

/** The forward rules compiled once per process. */
export class ForwardSelector {
  readonly rules: ForwardRules;
  readonly #metrics: RegExp;

  constructor(rules: ForwardRules) {
    this.rules = rules;
    this.#metrics = matcher(rules.metrics);
  }

  /** The host's roles the rules accept, as [service, role], sorted; all of them when no scope is set. */
  #rolesOf(host: HostSummary): [string, string][] {
    const all = Object.entries(host.roles)
      .flatMap(([service, roles]) => roles.map((role): [string, string] => [service, role]))
      .sort(([a, b], [c, d]) => (a === c ? (b < d ? -1 : 1) : a < c ? -1 : 1));
    const { services, roles } = this.rules;
    if (!services && !roles) return all;
    return all.filter(([s, r]) => services?.includes(s) || roles?.includes(`${s}:${r}`));
  }

  /** Whether any host selector is set, and if so whether the host meets one. */
  #hostChosen(host: HostSummary, scopedRoles: [string, string][]): boolean {
    const { hosts, services, roles } = this.rules;
    if (!hosts && !services && !roles) return true;
    return Boolean(hosts?.includes(host.id) || hosts?.includes(host.name) || scopedRoles.length > 0);
  }

  /** The host's points that go to CloudWatch, with their dimensions. */
  hostPoints(host: HostSummary, points: NamedPoint[]): ForwardedPoint[] {
    const scoped = this.#rolesOf(host);
    if (!this.#hostChosen(host, scoped)) return [];
    const [service, role] = scoped[0] ?? [];
    const values: Record<ForwardDimension, string | undefined> = {
      HostId: host.id,
      HostName: host.name,
      Service: service,
      Role: role,
    };
    const d = this.rules.dimensions.flatMap((name): [ForwardDimension, string][] => {
      const value = values[name];
      return value ? [[name, value]] : [];
    });
    return this.#select(points, d);
  }

  /** A service's own points (service metrics), with the Service dimension. */
  servicePoints(service: string, points: NamedPoint[]): ForwardedPoint[] {
    const { hosts, services, roles } = this.rules;
    if ((hosts || services || roles) && !services?.includes(service)) return [];
    return this.#select(points, [['Service', service]]);
  }

  #select(points: NamedPoint[], d: [ForwardDimension, string][]): ForwardedPoint[] {
    return points
      .filter((p) => this.#metrics.test(p.name) && acceptedByCloudWatch(p))
      .map((p) => ({ n: p.name, t: p.time, v: p.value, d }));
  }
}
