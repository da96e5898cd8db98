import { ValidationError } from '../errors.ts';
import type { RouteSpec } from './routes.ts';

export interface RouteMatch<R extends RouteSpec> {
  route: R;
  params: Record<string, string>;
}

type Segment =
  | { kind: 'static'; text: string }
  | { kind: 'param'; name: string }
  | { kind: 'rest'; name: string };

interface Compiled<R> {
  route: R;
  segments: Segment[];
  staticCount: number;
}

function compile<R extends RouteSpec>(route: R): Compiled<R> {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s): Segment => {
      const param = /^\{(\w+)(\+?)\}$/.exec(s);
      if (!param) return { kind: 'static', text: s };
      return param[2]
        ? { kind: 'rest', name: param[1] as string }
        : { kind: 'param', name: param[1] as string };
    });
  return { route, segments, staticCount: segments.filter((s) => s.kind === 'static').length };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('Malformed percent-encoding in the request path.');
  }
}

function matchOne<R>(c: Compiled<R>, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, seg] of c.segments.entries()) {
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 'rest') {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[seg.name] = decode(rest);
      return params;
    }
    if (seg.kind === 'static' ? part !== seg.text : part === '') return undefined;
    if (seg.kind === 'param') params[seg.name] = decode(part);
  }
  return parts.length === c.segments.length ? params : undefined;
}

/**
 * Matches the raw (still percent-encoded) path segment by segment, then decodes each parameter, so
 * `%2F` inside a custom identifier stays inside its segment. The most specific route wins.
 */
export function createRouter<R extends RouteSpec>(routes: readonly R[]) {
  const compiled = routes.map(compile).sort((a, b) => b.staticCount - a.staticCount);
  return (method: string, rawPath: string): RouteMatch<R> | undefined => {
    const parts = rawPath.split('/').slice(1);
    for (const c of compiled) {
      if (c.route.method !== method) continue;
      const params = matchOne(c, parts);
      if (params) return { route: c.route, params };
    }
    return undefined;
  };
}
