import { NotFoundError, ValidationError } from '../errors.ts';
import type { ApiEvent } from './event.ts';

/** Repeated query keys are kept (`status=working&status=standby`); a bare trailing `?` is nothing. */
export class Query {
  readonly #params: URLSearchParams;
  constructor(raw: string | undefined) {
    this.#params = new URLSearchParams(raw ?? '');
  }
  get(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }
  all(name: string): string[] {
    return this.#params.getAll(name);
  }
  entries(): [string, string][] {
    return [...this.#params.entries()];
  }
}

export interface ApiRequest {
  orgId: string;
  params: Record<string, string>;
  query: Query;
  /** The request body as text; undefined when empty. */
  rawBody: string | undefined;
  /** The parsed JSON body; undefined when empty. Malformed JSON is a 400. */
  body(): unknown;
  /** The body's bytes as sent (binary bodies arrive base64-encoded in the event). */
  bytes(): Buffer;
  /** Request headers, names lowercased. */
  headers: Record<string, string | undefined>;
}

export function rawBodyOf(event: ApiEvent): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return text.trim() === '' ? undefined : text;
}

/** Deeper bodies are refused before parsing: no request needs more, and deep nesting overflows recursion. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in JSON text, counted without recursion (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * Whether the text opens at most `max` arrays and objects in all, so cannot nest deeper: a few
 * native searches instead of jsonDepth's walk over every character (an agent's post opens about
 * 30, and skips the walk). Brackets inside strings count too, which only sends a body to the walk.
 */
function opensAtMost(text: string, max: number): boolean {
  let n = 0;
  for (const open of ['{', '[']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) if (++n > max) return false;
  }
  return true;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (!opensAtMost(text, MAX_JSON_DEPTH) && jsonDepth(text) > MAX_JSON_DEPTH)
    throw new ValidationError(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid JSON in the request body.');
  }
}

/**
 * Identifiers in paths and queries become DynamoDB keys, which have size limits (1 KB sort keys);
 * no identifier saba makes or accepts is longer than this, so a longer one is refused at the edge.
 */
export const MAX_IDENTIFIER_BYTES = 255;

/** Query parameters that carry expressions (PromQL), not identifiers: any length a URL allows. */
const EXPRESSION_PARAMETERS = new Set(['query', 'match[]']);

/** A path parameter naming an id that is too long cannot exist (404); any other is a 400. */
export function assertIdentifiers(params: Record<string, string>, query: Query): void {
  for (const [name, value] of Object.entries(params)) {
    if (Buffer.byteLength(value, 'utf8') <= MAX_IDENTIFIER_BYTES) continue;
    if (/Id$/.test(name))
      throw new NotFoundError(`${name.slice(0, -2).replace(/^./, (c) => c.toUpperCase())} Not Found.`);
    throw new ValidationError(`Invalid ${name}: longer than ${MAX_IDENTIFIER_BYTES} bytes.`);
  }
  for (const [name, value] of query.entries())
    if (!EXPRESSION_PARAMETERS.has(name) && Buffer.byteLength(value, 'utf8') > MAX_IDENTIFIER_BYTES)
      throw new ValidationError(`Invalid ${name}: longer than ${MAX_IDENTIFIER_BYTES} bytes.`);
}

export function toApiRequest(event: ApiEvent, orgId: string, params: Record<string, string>): ApiRequest {
  const query = new Query(event.rawQueryString);
  assertIdentifiers(params, query);
  const rawBody = rawBodyOf(event);
  let parsed: { value: unknown } | undefined;
  return {
    orgId,
    params,
    query,
    rawBody,
    body() {
      parsed ??= { value: parseJson(rawBody) };
      return parsed.value;
    },
    bytes() {
      if (event.body === undefined || event.body === null) return Buffer.alloc(0);
      return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    },
    headers: event.headers ?? {},
  };
}
