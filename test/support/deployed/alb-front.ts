import { randomBytes } from 'node:crypto';
import {
  type FrontAnswer,
  type FrontRequest,
  FrontServer,
  type FunctionInvoker,
  TEXT_TYPES,
} from './front-server.ts';

/** What the front needs of the deployment: the HTTPS listener, its target group and the function's permissions. */
export interface AlbSpec {
  listener: { protocol: string; port: number; certificateArns: string[] };
  targetGroup: { arn: string; functionArn: string; multiValueHeaders: boolean };
  permissions: { functionArn: string; action: string; principal: string; sourceArn?: string }[];
}

/** The load balancer's limits for a Lambda target: 1 MB each way. */
const MAX_LAMBDA_BYTES = 1024 * 1024;

/** The load balancer's own answers are small HTML pages, never the function's JSON. */
const page = (status: number, title: string, error?: string): FrontAnswer => ({
  status,
  error,
  headers: { 'content-type': 'text/html' },
  body: Buffer.from(
    `<html><head><title>${status} ${title}</title></head><body><center><h1>${status} ${title}</h1></center></body></html>`,
  ),
});

/**
 * An Application Load Balancer with a Lambda target group, as ELB runs the template's: HTTPS with a
 * certificate on the listener; the invocation allowed by a permission for
 * `elasticloadbalancing.amazonaws.com` from the target group; the ALB event (method and path as
 * sent, the query still percent-encoded, header names lowercased, multi-value headers and query
 * parameters when the target group turns them on, X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id
 * added, base64 for non-text bodies); the 1 MB limits (413 in, 502 out); a failed or throttled
 * invocation as 502/503; the answer's status, multi-value headers and body back as HTTP.
 */
export class AlbFront extends FrontServer {
  readonly spec: AlbSpec;
  protected readonly maxBodyBytes = MAX_LAMBDA_BYTES;

  constructor(spec: AlbSpec, lambda: FunctionInvoker) {
    super(lambda);
    if (spec.listener.protocol !== 'HTTPS' || spec.listener.certificateArns.length === 0)
      throw new Error('the listener is not HTTPS with a certificate');
    this.spec = spec;
  }

  protected tooLarge(): FrontAnswer {
    return page(413, 'Request Entity Too Large');
  }

  #event(r: FrontRequest) {
    const headers: Record<string, string[]> = {};
    for (let i = 0; i < r.req.rawHeaders.length; i += 2) {
      const name = (r.req.rawHeaders[i] as string).toLowerCase();
      headers[name] = [...(headers[name] ?? []), r.req.rawHeaders[i + 1] as string];
    }
    const client = r.req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = [[...(headers['x-forwarded-for'] ?? []), client].join(', ')];
    headers['x-forwarded-proto'] = ['https'];
    headers['x-forwarded-port'] = [String(this.spec.listener.port)];
    headers['x-amzn-trace-id'] = [
      `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    ];
    const query: Record<string, string[]> = {};
    for (const pair of r.rawQueryString.split('&').filter(Boolean)) {
      const eq = pair.indexOf('=');
      const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      query[k] = [...(query[k] ?? []), v];
    }
    const text = TEXT_TYPES.test(r.headers['content-type'] ?? '') && !r.headers['content-encoding'];
    const body = r.body.length === 0 ? '' : r.body.toString(text ? 'utf8' : 'base64');
    const base = {
      requestContext: { elb: { targetGroupArn: this.spec.targetGroup.arn } },
      httpMethod: r.method,
      path: r.rawPath,
      body,
      isBase64Encoded: r.body.length > 0 && !text,
    };
    return this.spec.targetGroup.multiValueHeaders
      ? { ...base, multiValueQueryStringParameters: query, multiValueHeaders: headers }
      : {
          ...base,
          queryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1)])),
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.at(-1)])),
        };
  }

  protected async answer(r: FrontRequest): Promise<FrontAnswer> {
    const { targetGroup } = this.spec;
    const permitted = this.spec.permissions.some(
      (p) =>
        p.functionArn === targetGroup.functionArn &&
        p.action === 'lambda:InvokeFunction' &&
        p.principal === 'elasticloadbalancing.amazonaws.com' &&
        (p.sourceArn === undefined || p.sourceArn === targetGroup.arn),
    );
    if (!permitted) return page(502, 'Bad Gateway', 'the target group may not invoke the function');
    const outcome = await this.lambda.invoke(targetGroup.functionArn, this.#event(r));
    if (!outcome.ok)
      return outcome.errorType === 'TooManyRequestsException'
        ? page(503, 'Service Temporarily Unavailable', outcome.errorMessage)
        : page(502, 'Bad Gateway', outcome.errorMessage);
    const result = outcome.result as {
      statusCode?: number;
      headers?: Record<string, string>;
      multiValueHeaders?: Record<string, string[]>;
      body?: string;
      isBase64Encoded?: boolean;
    } | null;
    if (Buffer.byteLength(JSON.stringify(result ?? null)) > MAX_LAMBDA_BYTES)
      return page(502, 'Bad Gateway', 'the answer is over 1 MB');
    if (!result || typeof result.statusCode !== 'number') return page(502, 'Bad Gateway', 'no statusCode');
    const headers: Record<string, string | string[]> = targetGroup.multiValueHeaders
      ? { ...result.multiValueHeaders }
      : { ...result.headers };
    return {
      status: result.statusCode,
      headers,
      body: Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8'),
    };
  }
}
