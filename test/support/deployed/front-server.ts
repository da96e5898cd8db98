import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT } from './intrinsics.ts';
import type { Invocation } from './lambda-service.ts';

export interface FunctionInvoker {
  invoke(functionArn: string, event: unknown): Promise<Invocation>;
}

/** Lambda's synchronous invocation limits, on the event and on the answer. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** What a front answers: status, headers, body, and the error it notes (the access log's `err`). */
export interface FrontAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  error?: string | undefined;
}

export const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** An answer the front gives itself, never the function: `{"message": …}` or `{"Message": …}` by front. */
export const frontAnswer = (status: number, body: Record<string, string>, error?: string): FrontAnswer => ({
  error,
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});

/** A request as read by the front: method, raw path and query, lowercased headers, the body (if within the limit). */
export interface FrontRequest {
  req: IncomingMessage;
  requestId: string;
  method: string;
  rawPath: string;
  rawQueryString: string;
  /** Names lowercased, repeated values comma-joined (API Gateway's and function URLs' way). */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The HTTP server every front shares (127.0.0.1 only, stopped with the harness): it reads the body
 * up to the front's limit (past it, `tooLarge` answers), then hands the request to the front, and
 * calls `logged` once the answer is written. `lambda` invokes the functions behind it.
 */
export abstract class FrontServer {
  url = '';
  #server?: Server;
  readonly lambda: FunctionInvoker;

  constructor(lambda: FunctionInvoker) {
    this.lambda = lambda;
  }

  protected abstract readonly maxBodyBytes: number;
  protected abstract tooLarge(): FrontAnswer;
  protected abstract answer(request: FrontRequest): Promise<FrontAnswer>;
  protected logged(_request: FrontRequest, _answer: FrontAnswer, _ms: number): void {}

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const started = Date.now();
      void this.#handle(req).then(({ request, answer }) => {
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
        res.end(answer.body);
        this.logged(request, answer, Date.now() - started);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async #handle(req: IncomingMessage): Promise<{ request: FrontRequest; answer: FrontAnswer }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= this.maxBodyBytes) chunks.push(chunk as Buffer);
    }
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] as string).toLowerCase();
      const value = req.rawHeaders[i + 1] as string;
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
    const request: FrontRequest = {
      req,
      requestId: randomUUID(),
      method: req.method ?? 'GET',
      rawPath: q === -1 ? target : target.slice(0, q),
      rawQueryString: q === -1 ? '' : target.slice(q + 1),
      headers,
      body: Buffer.concat(chunks),
    };
    const answer = size > this.maxBodyBytes ? this.tooLarge() : await this.answer(request);
    return { request, answer };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.#server) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/**
 * The payload format 2.0 event (API Gateway's HTTP API and Lambda function URLs): lowercased and
 * comma-joined headers, cookies apart, decoded query parameters, path parameters, base64 bodies for
 * non-text types.
 */
export function payloadV2Event(
  r: FrontRequest,
  context: {
    routeKey: string;
    apiId: string;
    domainName: string;
    stage: string;
    pathParameters?: Record<string, string> | undefined;
  },
) {
  const headers = { ...r.headers };
  const cookies = headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  delete headers.cookie;
  const query: Record<string, string> = {};
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  for (const pair of r.rawQueryString.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const [k, v] = eq === -1 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    query[k] = k in query ? `${query[k]},${v}` : v;
  }
  const text = TEXT_TYPES.test(headers['content-type'] ?? '') && !headers['content-encoding'];
  const now = new Date();
  return {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: r.rawPath,
    rawQueryString: r.rawQueryString,
    ...(cookies && cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: ACCOUNT,
      apiId: context.apiId,
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0],
      http: {
        method: r.method,
        path: r.rawPath,
        protocol: `HTTP/${r.req.httpVersion}`,
        sourceIp: r.req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: r.requestId,
      routeKey: context.routeKey,
      stage: context.stage,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(context.pathParameters && { pathParameters: context.pathParameters }),
    ...(r.body.length > 0 && { body: r.body.toString(text ? 'utf8' : 'base64') }),
    isBase64Encoded: r.body.length > 0 && !text,
  };
}

/** Lambda's answer as HTTP, payload format 2.0 rules: a `statusCode` makes it a response, anything else is a 200 JSON body. */
export function payloadV2Answer(result: unknown): FrontAnswer {
  const r = result as {
    statusCode?: number;
    headers?: Record<string, string>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  } | null;
  if (!r || typeof r !== 'object' || typeof r.statusCode !== 'number')
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result)),
    };
  const headers: Record<string, string | string[]> = { ...r.headers };
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  return {
    status: r.statusCode,
    headers,
    body: Buffer.from(r.body ?? '', r.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/** The default domain of a region's service, for events that name the host they were called on. */
export const hostOf = (headers: Record<string, string>, fallback: string): string =>
  (headers.host ?? fallback).split(':')[0] as string;
