/**
 * The access log line, one JSON object a request with short keys (the log is billed by the byte):
 * id request id, ip source address, m method, p path, s status, b response bytes, ms latency,
 * err the front's or the invocation's error. No API key, no organization. API Gateway writes it from
 * its stage's format (infra/constructs/http-api.ts); behind a function URL or a load balancer, which
 * keep no such log, the HTTP function writes the very same line itself (http-function.ts).
 */
export interface AccessLine {
  id: string;
  ip: string;
  m: string;
  p: string;
  s: string;
  b: string;
  ms: string;
  err: string;
}

export const ACCESS_LINE_KEYS = [
  'id',
  'ip',
  'm',
  'p',
  's',
  'b',
  'ms',
  'err',
] as const satisfies readonly (keyof AccessLine)[];
