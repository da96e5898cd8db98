import {
  type FrontAnswer,
  type FrontRequest,
  FrontServer,
  type FunctionInvoker,
  frontAnswer,
  hostOf,
  MAX_EVENT_BYTES,
  MAX_RESPONSE_BYTES,
  payloadV2Answer,
  payloadV2Event,
} from './front-server.ts';
import { wildcard } from './iam-policy.ts';
import { ACCOUNT, REGION } from './intrinsics.ts';

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

/** API Gateway's own limits for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_INTEGRATION_MS = 30_000;

const gatewayAnswer = (status: number, message: string, error?: string) =>
  frontAnswer(status, { message }, error);

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
 * payload 2.0 event, the 30 s integration limit (503), a failed or oversized invocation as 500,
 * Lambda's answer turned back into HTTP, and one access log line per request in the stage's format.
 */
export class HttpApiFront extends FrontServer {
  readonly accessLog: string[] = [];
  /** Invocations API Gateway attempted, with whether a Lambda permission allowed them. */
  readonly invokes: { functionArn: string; sourceArn: string; permitted: boolean }[] = [];
  readonly #bucket?: TokenBucket;
  protected readonly maxBodyBytes = MAX_BODY_BYTES;

  readonly spec: HttpApiSpec;

  constructor(spec: HttpApiSpec, lambda: FunctionInvoker) {
    super(lambda);
    this.spec = spec;
    if (spec.stage.rateLimit !== undefined)
      this.#bucket = new TokenBucket(spec.stage.rateLimit, spec.stage.burstLimit ?? spec.stage.rateLimit);
  }

  protected tooLarge(): FrontAnswer {
    return gatewayAnswer(413, 'Request Entity Too Large');
  }

  protected async answer(r: FrontRequest): Promise<FrontAnswer> {
    const answer = await this.#answer(r);
    answer.headers['apigw-requestid'] = r.requestId;
    return answer;
  }

  async #answer(r: FrontRequest): Promise<FrontAnswer> {
    if (this.#bucket && !this.#bucket.take()) return gatewayAnswer(429, 'Too Many Requests');
    const { method, rawPath } = r;
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
    const event = payloadV2Event(r, {
      routeKey: match.routeKey,
      apiId: this.spec.apiId,
      domainName: hostOf(r.headers, `${this.spec.apiId}.execute-api.${REGION}.amazonaws.com`),
      stage: this.spec.stage.name,
      pathParameters: match.pathParameters,
    });
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
    return payloadV2Answer(outcome.result);
  }

  protected override logged(r: FrontRequest, answer: FrontAnswer, ms: number): void {
    const format = this.spec.stage.accessLogFormat;
    if (!format) return;
    const vars: Record<string, string> = {
      requestId: r.requestId,
      'identity.sourceIp': r.req.socket.remoteAddress ?? '-',
      httpMethod: r.method,
      path: r.rawPath,
      status: String(answer.status),
      responseLength: String(answer.body.length),
      responseLatency: String(ms),
      integrationErrorMessage: answer.error ?? '-',
    };
    this.accessLog.push(
      format.replace(/\$context\.([A-Za-z.]+[A-Za-z])/g, (_, name: string) => {
        if (!(name in vars))
          throw new Error(`the access log format uses $context.${name}, which the front does not know`);
        return (vars[name] as string).replace(/["\\]/g, '\\$&');
      }),
    );
  }
}
