import { ValidationError } from '../errors.ts';
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
}

export interface ApiRequest {
  orgId: string;
  params: Record<string, string>;
  query: Query;
  /** The request body as text; undefined when empty. */
  rawBody: string | undefined;
  /** The parsed JSON body; undefined when empty. Malformed JSON is a 400. */
  body(): unknown;
}

export function rawBodyOf(event: ApiEvent): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return text.trim() === '' ? undefined : text;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid JSON in the request body.');
  }
}

export function toApiRequest(event: ApiEvent, orgId: string, params: Record<string, string>): ApiRequest {
  const rawBody = rawBodyOf(event);
  let parsed: { value: unknown } | undefined;
  return {
    orgId,
    params,
    query: new Query(event.rawQueryString),
    rawBody,
    body() {
      parsed ??= { value: parseJson(rawBody) };
      return parsed.value;
    },
  };
}
