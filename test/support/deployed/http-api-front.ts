import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wildcard } from './iam-policy.ts';
import { ACCOUNT, REGION } from './intrinsics.ts';
import type { Invocation } from './lambda-service.ts';

/** What the front needs of the deployment, read from the template's HTTP API resources. */
export interface HttpApiSpec {
  apiId: string;
  routes: { routeKey: string; integration: string; authorizationType: string }[];
  integrations: Map<string, { functionArn: string; payloadFormatVersion: string; timeoutMs: number }>;
  stage: { name: string; rateLimit?: number; burstLimit?: number; accessLogFormat?: string };
  /** Lambda resource policies: who may invoke which function from which source ARN. */
  permissions: { functionArn: string; principal: string; sourceArn?: string }[];
  /** Custom domain names mapped to the stage. */
  domains: string[];
}

export interface FunctionInvoker {
  invoke(functionArn: string, event: unknown): Promise<Invocation>;
}

/** API Gateway's own limits for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_INTEGRATION_MS = 30_000;
/** Lambda's synchronous invocation limits, on the event and on the answer. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const gatewayAnswer = (status: number, message: string, error?: string) => ({
  error,
  status,
  headers: { 'content-type': 'application/json' } as Record<string, string | string[]>,
  body: Buffer.from(JSON.stringify({ message })),
});

interface Match {
  routeKey: string;
  integration: string;
  pathParameters?: Record<string, string>;
}

/** The route HTTP API picks: an exact path first, then the most literal segments, greedy `{x+}` last; else `$default`. */
export function selectRoute(routes: HttpApiSpec['routes'], method: string, path: string): Match | undefined {
  let best: (Match & { score: number }) | undefined;
  for (const route of routes) {
    if (route.routeKey === '$default') continue;
    const [routeMethod, routePath] = route.routeKey.split(' ') as [string, string];
    if (routeMethod !== method && routeMethod !== 'ANY') continue;
    const want = routePath.split('/').slice(1);
    const got = path.split('/').slice(1);
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i] as string;
      if (/^\{.+\+\}$/.test(w)) {
        if (i >= got.length) ok = false;
        else params[w.slice(1, -2)] = decodeURIComponent(got.slice(i).join('/'));
        score -= 1000;
        break;
      }
      const g = got[i];
      if (g === undefined || (i === want.length - 1 && got.length !== want.length)) ok = false;
      else if (/^\{.+\}$/.test(w)) params[w.slice(1, -1)] = decodeURIComponent(g);
      else if (w === g) score += 1;
      else ok = false;
    }
    if (!ok) continue;
    if (routeMethod !== 'ANY') score += 0.5;
    if (!best || score > best.score)
      best = {
        routeKey: route.routeKey,
        integration: route.integration,
        ...(Object.keys(params).length > 0 && { pathParameters: params }),
        score,
      };
  }
  if (best) {
    const { score: _, ...match } = best;
    return match;
  }
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback && { routeKey: '$default', integration: fallback.integration };
}

/** API Gateway's token bucket for the stage's rate and burst limits. */
class TokenBucket {
  #tokens: number;
  #at = Date.now();
  readonly rate: number;
  readonly burst: number;
  constructor(rate: number, burst: number) {
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * An HTTP API front as API Gateway runs the template's API: the stage's throttling, the 10 MB body
 * limit, route selection from the routes' keys, the Lambda permission each integration needs, the
 * payload 2.0 event (lowercased and comma-joined headers, cookies, decoded query parameters, path
 * parameters, base64 bodies for non-text types), the 30 s integration limit (503), a failed or
 * oversized invocation as 500, Lambda's answer turned back into HTTP, and one access log line per
 * request in the stage's format.
 */
export class HttpApiFront {
  readonly accessLog: string[] = [];
  /** Invocations API Gateway attempted, with whether a Lambda permission allowed them. */
  readonly invokes: { functionArn: string; sourceArn: string; permitted: boolean }[] = [];
  #server?: Server;
  url = '';
  readonly #bucket?: TokenBucket;

  readonly spec: HttpApiSpec;
  readonly lambda: FunctionInvoker;

  constructor(spec: HttpApiSpec, lambda: FunctionInvoker) {
    this.spec = spec;
    this.lambda = lambda;
    if (spec.stage.rateLimit !== undefined)
      this.#bucket = new TokenBucket(spec.stage.rateLimit, spec.stage.burstLimit ?? spec.stage.rateLimit);
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const started = Date.now();
      const requestId = randomUUID();
      void this.#answer(req, requestId).then(({ status, headers, body, error }) => {
        res.writeHead(status, { ...headers, 'apigw-requestid': requestId, 'content-length': body.length });
        res.end(body);
        this.#log(req, requestId, status, body.length, Date.now() - started, error);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async #readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
  }

  async #answer(req: IncomingMessage, requestId: string) {
    const body = await this.#readBody(req);
    if (!body) return gatewayAnswer(413, 'Request Entity Too Large');
    if (this.#bucket && !this.#bucket.take()) return gatewayAnswer(429, 'Too Many Requests');
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQueryString = q === -1 ? '' : target.slice(q + 1);
    const method = req.method ?? 'GET';
    const match = selectRoute(this.spec.routes, method, rawPath);
    if (!match) return gatewayAnswer(404, 'Not Found');
    const integration = this.spec.integrations.get(match.integration);
    if (!integration) throw new Error(`route ${match.routeKey}: no integration ${match.integration}`);
    const routePath = match.routeKey === '$default' ? '$default' : match.routeKey.split(' ')[1];
    const sourceArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${this.spec.apiId}/${this.spec.stage.name}/${match.routeKey === '$default' ? '$default' : method}${routePath === '$default' ? '' : routePath}`;
    const permitted = this.spec.permissions.some(
      (p) =>
        p.functionArn === integration.functionArn &&
        p.principal === 'apigateway.amazonaws.com' &&
        (p.sourceArn === undefined || wildcard(p.sourceArn, sourceArn)),
    );
    this.invokes.push({ functionArn: integration.functionArn, sourceArn, permitted });
    if (!permitted)
      return gatewayAnswer(500, 'Internal Server Error', 'Invalid permissions on Lambda function');
    const event = this.#event(req, { rawPath, rawQueryString, method, match, requestId, body });
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES)
      return gatewayAnswer(413, 'Request Entity Too Large', 'Request payload size exceeded');
    const timeoutMs = Math.min(integration.timeoutMs, MAX_INTEGRATION_MS);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.lambda.invoke(integration.functionArn, event),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') return gatewayAnswer(503, 'Service Unavailable', 'Integration timeout');
    if (!outcome.ok) return gatewayAnswer(500, 'Internal Server Error', outcome.errorMessage);
    if (Buffer.byteLength(JSON.stringify(outcome.result ?? null)) > MAX_RESPONSE_BYTES)
      return gatewayAnswer(500, 'Internal Server Error', 'Response payload size exceeded');
    return { ...this.#response(outcome.result), error: undefined as string | undefined };
  }

  /** The payload format 2.0 event. */
  #event(
    req: IncomingMessage,
    r: {
      rawPath: string;
      rawQueryString: string;
      method: string;
      match: Match;
      requestId: string;
      body: Buffer;
    },
  ) {
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] as string).toLowerCase();
      const value = req.rawHeaders[i + 1] as string;
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
    const cookies = headers.cookie
      ?.split(';')
      .map((c) => c.trim())
      .filter(Boolean);
    delete headers.cookie;
    const query: Record<string, string> = {};
    for (const pair of r.rawQueryString.split('&').filter(Boolean)) {
      const eq = pair.indexOf('=');
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      };
      const [k, v] = eq === -1 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
      query[k] = k in query ? `${query[k]},${v}` : v;
    }
    const text = TEXT_TYPES.test(headers['content-type'] ?? '') && !headers['content-encoding'];
    const now = new Date();
    const domainName = (headers.host ?? `${this.spec.apiId}.execute-api.${REGION}.amazonaws.com`).split(
      ':',
    )[0] as string;
    return {
      version: '2.0',
      routeKey: r.match.routeKey,
      rawPath: r.rawPath,
      rawQueryString: r.rawQueryString,
      ...(cookies && cookies.length > 0 && { cookies }),
      headers,
      ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
      requestContext: {
        accountId: ACCOUNT,
        apiId: this.spec.apiId,
        domainName,
        domainPrefix: domainName.split('.')[0],
        http: {
          method: r.method,
          path: r.rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: r.requestId,
        routeKey: r.match.routeKey,
        stage: this.spec.stage.name,
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(r.match.pathParameters && { pathParameters: r.match.pathParameters }),
      ...(r.body.length > 0 && { body: r.body.toString(text ? 'utf8' : 'base64') }),
      isBase64Encoded: r.body.length > 0 && !text,
    };
  }

  /** Lambda's answer as HTTP, payload format 2.0 rules: a `statusCode` makes it a response, anything else is a 200 JSON body. */
  #response(result: unknown) {
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
        headers: { 'content-type': 'application/json' } as Record<string, string | string[]>,
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

  #log(req: IncomingMessage, requestId: string, status: number, bytes: number, ms: number, error?: string) {
    const format = this.spec.stage.accessLogFormat;
    if (!format) return;
    const vars: Record<string, string> = {
      requestId,
      'identity.sourceIp': req.socket.remoteAddress ?? '-',
      httpMethod: req.method ?? '-',
      path: (req.url ?? '/').split('?')[0] as string,
      status: String(status),
      responseLength: String(bytes),
      responseLatency: String(ms),
      integrationErrorMessage: error ?? '-',
    };
    this.accessLog.push(
      format.replace(/\$context\.([A-Za-z.]+[A-Za-z])/g, (_, name: string) => {
        if (!(name in vars))
          throw new Error(`the access log format uses $context.${name}, which the front does not know`);
        return (vars[name] as string).replace(/["\\]/g, '\\$&');
      }),
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }
}
