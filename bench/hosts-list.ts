/**
 * `npm run bench:hosts-list`: how large an organization `GET /api/v0/hosts` can serve on AWS, where a
 * Lambda answer is at most 6 MB. Registers hosts with an agent-like spec (8 CPUs, 12 filesystems,
 * 3 interfaces: about 6 KB, as the stock agent on a mid-size server sends) on the local server, reads
 * the list plain and gzipped, and divides 6 MB by the bytes per host each way (gzipped answers travel
 * as base64 in the Lambda response).
 */
import { gzipSync } from 'node:zlib';
import { agentHostBody } from '../test/fixtures/agent.ts';
import { api, BENCH_KEY, saveResult, startSaba } from './support.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const LAMBDA_LIMIT = 6 * 1024 * 1024;

function spec(i: number) {
  const base = agentHostBody({ name: `app-${i}.example.internal` });
  const meta = base.meta as Record<string, unknown>;
  const cpu = (meta.cpu as Record<string, string>[])[0] as Record<string, string>;
  meta.cpu = Array.from({ length: 8 }, (_, c) => ({ ...cpu, core_id: String(c) }));
  meta.filesystem = Object.fromEntries(
    Array.from({ length: 12 }, (_, f) => [
      `/dev/vd${String.fromCharCode(97 + f)}1`,
      {
        kb_size: 51475068 + f,
        kb_used: 9000000 + i,
        kb_available: 40000000,
        percent_used: '19%',
        mount: `/data${f}`,
      },
    ]),
  );
  return {
    ...base,
    interfaces: Array.from({ length: 3 }, (_, n) => ({
      name: `eth${n}`,
      macAddress: `52:54:00:12:34:${String(n).padStart(2, '0')}`,
      ipv4Addresses: [`10.${n}.${i % 250}.${i % 200}`],
      ipv6Addresses: [`fe80::${n}:${i.toString(16)}`],
    })),
  };
}

const saba = await startSaba();
try {
  for (let i = 0; i < HOSTS; i += 16)
    await Promise.all(
      Array.from({ length: Math.min(16, HOSTS - i) }, (_, j) =>
        api(saba.url, 'POST', '/api/v0/hosts', spec(i + j)),
      ),
    );
  const specBytes = Buffer.byteLength(JSON.stringify(spec(0)));
  const plain = await fetch(`${saba.url}/api/v0/hosts`, {
    headers: { 'X-Api-Key': BENCH_KEY, 'accept-encoding': 'identity' },
  });
  const text = await plain.text();
  const gz = await fetch(`${saba.url}/api/v0/hosts`, {
    headers: { 'X-Api-Key': BENCH_KEY, 'accept-encoding': 'gzip' },
  });
  const gzBytes = Number(gz.headers.get('content-length') ?? gzipSync(text).length);
  const perHost = { plain: text.length / HOSTS, gzipBase64: (Math.ceil(gzBytes / 3) * 4) / HOSTS };
  const result = {
    hosts: HOSTS,
    specBytes,
    answerBytes: { plain: text.length, gzip: gzBytes, gzipBase64: Math.ceil(gzBytes / 3) * 4 },
    bytesPerHost: { plain: Math.round(perHost.plain), gzipBase64: Math.round(perHost.gzipBase64) },
    largestOrganizationUnder6MB: {
      plain: Math.floor(LAMBDA_LIMIT / perHost.plain),
      gzip: Math.floor(LAMBDA_LIMIT / perHost.gzipBase64),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  saveResult('hosts-list', result);
} finally {
  await saba.stop();
}
