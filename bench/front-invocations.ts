/**
 * What one agent post costs the function behind each front door, measured: the synthesized app
 * deployed into moto by the "AWS as deployed" harness (test/support/deployed/), each function run
 * from its bundled asset as Lambda runs it, agents' 30-point posts sent through the front one at a
 * time (one warm container), and each invocation's Lambda Duration (what Lambda bills, rounded up to
 * the millisecond) and CPU taken inside the container, and the AWS calls each post makes. DynamoDB
 * here is moto behind the harness's recording proxy, whose answers take tens of milliseconds where
 * the service's take a few: the Duration measured here is an upper bound, and the cost model prices
 * the CPU and the calls instead (cost-model.ts, `billedMs`).
 */
import { goJson } from '../test/fixtures/agent.ts';
import { Harness } from '../test/support/deployed/harness.ts';
import { agentClient, callFront } from '../test/support/deployed/http.ts';
import { addTenant } from '../test/support/deployed/tenants.ts';
import { percentile } from './support.ts';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

export const INGRESS_CONTEXTS = {
  'http-api': {},
  'function-url': { ingress: 'function-url' },
  alb: { ingress: 'alb', domainName: 'mackerel.acme.example', certificateArn: CERTIFICATE },
} as const;
export type IngressName = keyof typeof INGRESS_CONTEXTS;

/** The request line and headers the stock agent sends with a post (mackerel-agent-wire.md). */
const agentHeaders = (host: string, key: string, bodyBytes: number) =>
  [
    'POST /api/v0/tsdb? HTTP/1.1',
    `Host: ${host}`,
    'User-Agent: mackerel-agent/0.87.0 (Revision 92c7c83)',
    `Content-Length: ${bodyBytes}`,
    'Content-Type: application/json',
    `X-Api-Key: ${key}`,
    'X-Agent-Version: 0.87.0',
    'X-Revision: 92c7c83',
    'Accept-Encoding: gzip',
    '',
    '',
  ].join('\r\n').length;

export interface FrontMeasurement {
  ingress: IngressName;
  function: string;
  memoryMb: number;
  posts: number;
  durationMs: { mean: number; p50: number; p90: number; p99: number; billedMean: number };
  cpuMsMean: number;
  /** AWS calls the function made per post (DynamoDB, SQS), from the harness's recording proxy. */
  awsCallsPerPost: number;
  /** Bytes on the wire of one post and its answer (TLS framing aside): what a load balancer processes. */
  requestBytes: number;
  responseBytes: number;
}

export async function measureFront(
  ingress: IngressName,
  names: string[],
  options = { hosts: 20, rounds: 16 },
): Promise<FrontMeasurement> {
  const h = await Harness.deploy(INGRESS_CONTEXTS[ingress]);
  try {
    const key = await addTenant(h, 'acme');
    const agent = agentClient(h.front.url, key);
    const hostIds: string[] = [];
    for (let i = 0; i < options.hosts; i++) hostIds.push(await agent.register({ name: `bench-${i}` }));
    const fn = h.fn(ingress === 'http-api' ? 'IngestFunction' : 'HttpFunction');
    const start = Math.floor(Date.now() / 1000) - options.rounds * 60;
    let requestBytes = 0;
    let responseBytes = 0;
    let from = 0;
    let callsFrom = 0;
    for (let round = 0; round < options.rounds; round++) {
      // The first round records each host's names: what a new host pays once, not each minute.
      if (round === 1) {
        from = fn.outcomes.length;
        callsFrom = h.recorder.calls.length;
      }
      for (const hostId of hostIds) {
        const time = start + round * 60;
        const points = names.map((name, j) => ({
          hostId,
          name,
          time,
          value: Math.round((j + Math.random()) * 100) / 100,
        }));
        const body = goJson(points);
        const res = await callFront(h.front.url, key, 'POST', '/api/v0/tsdb', body);
        if (res.status !== 200) throw new Error(`post answered ${res.status}: ${res.text}`);
        requestBytes =
          Buffer.byteLength(body) + agentHeaders('saba.example.com', key, Buffer.byteLength(body));
        // Status line, date, content type and length, connection; the body.
        responseBytes = 'HTTP/1.1 200 OK\r\n'.length + 150 + Buffer.byteLength(res.text);
      }
    }
    const measured = fn.outcomes.slice(from).filter((o) => o.ok);
    const calls = h.recorder.calls.slice(callsFrom).filter((c) => c.principal === fn.spec.role).length;
    const durations = measured.map((o) => (o.ok ? (o.durationMs ?? 0) : 0)).sort((a, b) => a - b);
    const cpu = measured.map((o) => (o.ok ? (o.cpuMs ?? 0) : 0));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const round2 = (x: number) => +x.toFixed(2);
    return {
      ingress,
      function: fn.spec.logicalId,
      memoryMb: fn.spec.memoryMb,
      posts: measured.length,
      durationMs: {
        mean: round2(mean(durations)),
        p50: round2(percentile(durations, 0.5)),
        p90: round2(percentile(durations, 0.9)),
        p99: round2(percentile(durations, 0.99)),
        billedMean: round2(mean(durations.map((d) => Math.ceil(d)))),
      },
      cpuMsMean: round2(mean(cpu)),
      awsCallsPerPost: round2(calls / measured.length),
      requestBytes,
      responseBytes,
    };
  } finally {
    await h.stop();
  }
}
