import { STATUS_CODES } from 'node:http';
import type { ALBEvent, ALBResult } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../event.ts';

/** Whether Lambda was invoked by an Application Load Balancer's target group. */
export const isAlbEvent = (event: ApiEvent | ALBEvent): event is ALBEvent =>
  'elb' in (event.requestContext ?? {});

/**
 * The load balancer's event as the HTTP API's payload 2.0 event every handler takes. The target
 * group sends multi-value headers and query parameters (saba's target group turns them on: a query
 * like `status=working&status=standby` keeps both); they arrive still percent-encoded, as the raw
 * query string does from API Gateway. Names are lowercased and repeated headers comma-joined, as
 * there. The client's address is the last one the load balancer added to X-Forwarded-For.
 */
export function fromAlbEvent(event: ALBEvent, requestId: string): ApiEvent {
  const headers: Record<string, string> = {};
  if (event.multiValueHeaders)
    for (const [name, values] of Object.entries(event.multiValueHeaders))
      if (values && values.length > 0) headers[name.toLowerCase()] = values.join(',');
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers[name.toLowerCase()] ??= value;
  const pairs: string[] = [];
  if (event.multiValueQueryStringParameters)
    for (const [k, values] of Object.entries(event.multiValueQueryStringParameters))
      for (const v of values ?? []) pairs.push(`${k}=${v}`);
  else for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) pairs.push(`${k}=${v ?? ''}`);
  const forwarded = (headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim());
  const now = Date.now();
  const domainName = headers.host ?? '';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: event.path,
    rawQueryString: pairs.join('&'),
    headers,
    ...(event.body !== null && event.body !== '' && { body: event.body }),
    isBase64Encoded: event.isBase64Encoded && event.body !== null && event.body !== '',
    requestContext: {
      accountId: '',
      apiId: 'alb',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? '',
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      http: {
        method: event.httpMethod,
        path: event.path,
        protocol: 'HTTP/1.1',
        sourceIp: forwarded.at(-1) || '-',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}

/** An answer as the load balancer takes it back: a status line, multi-value headers, the same body. */
export function toAlbResult(result: ApiResult): ALBResult {
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    multiValueHeaders[name.toLowerCase()] = [String(value)];
  if (result.cookies?.length) multiValueHeaders['set-cookie'] = result.cookies;
  return {
    statusCode: result.statusCode,
    statusDescription: `${result.statusCode} ${STATUS_CODES[result.statusCode] ?? ''}`.trim(),
    multiValueHeaders,
    body: result.body,
    isBase64Encoded: result.isBase64Encoded ?? false,
  };
}
