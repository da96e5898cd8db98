import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type HttpAnswer,
  type HttpCall,
  type OutboundHttp,
  TargetRefusedError,
} from '../../ports/notifications.ts';
import { isPrivateAddress } from './private-addresses.ts';

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = 256 * 1024;

/**
 * Resolves the name and refuses it if any address it resolves to is private: the check is on the
 * address actually connected to, so a name that later resolves elsewhere (DNS rebinding) gains nothing.
 */
function guardedLookup(refuses: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => refuses(a.address));
      if (refused)
        return callback(
          new TargetRefusedError(`${hostname} resolves to ${refused.address}, a private address`),
          '',
          0,
        );
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function once(
  call: HttpCall,
  url: URL,
  refuses: (address: string) => boolean,
  deadline: number,
): Promise<{ res: IncomingMessage; body: string; certificateExpiresAt?: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && refuses(host))
    return Promise.reject(new TargetRefusedError(`${host} is a private address`));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxBody = call.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return new Promise((resolve, reject) => {
    const remaining = Math.max(1, deadline - Date.now());
    const req = request(
      url,
      {
        method: call.method ?? 'GET',
        headers: {
          ...(call.body !== undefined && { 'content-length': Buffer.byteLength(call.body) }),
          ...call.headers,
        },
        lookup: guardedLookup(refuses),
        rejectUnauthorized: !call.skipCertificateVerification,
        signal: AbortSignal.timeout(remaining),
        agent: false,
      },
      (res) => {
        const cert = url.protocol === 'https:' ? (res.socket as TLSSocket).getPeerCertificate?.() : undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBody) return;
          chunks.push(chunk.subarray(0, maxBody - size));
          size += chunk.length;
          if (size >= maxBody) {
            res.destroy();
            finish();
          }
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          const expires = cert?.valid_to ? Date.parse(cert.valid_to) : Number.NaN;
          resolve({
            res,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(Number.isFinite(expires) && { certificateExpiresAt: Math.floor(expires / 1000) }),
          });
        };
        res.on('end', finish);
        res.on('error', (err) => (done ? undefined : reject(err)));
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

/**
 * Outbound HTTP for webhooks, Slack and external monitors. Refuses private, loopback and link-local
 * targets (unless `allowPrivate`), checked on every resolved address and every redirect hop; one
 * deadline for the whole call; reads at most `maxBodyBytes` of the answer.
 */
export function outboundHttp(options: {
  allowPrivate: boolean;
  /** Which addresses are refused (tests narrow it to reach their loopback servers). */
  refuses?: (address: string) => boolean;
}): OutboundHttp {
  const refuses = options.allowPrivate ? () => false : (options.refuses ?? isPrivateAddress);
  return {
    async request(call: HttpCall): Promise<HttpAnswer> {
      const started = performance.now();
      const deadline = Date.now() + (call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let url = new URL(call.url);
      for (let hop = 0; ; hop++) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw new TargetRefusedError(`${url.protocol} URLs are not allowed`);
        const { res, body, certificateExpiresAt } = await once(call, url, refuses, deadline);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (call.followRedirects && status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
          url = new URL(location, url);
          continue;
        }
        return {
          status,
          body,
          elapsedMs: performance.now() - started,
          ...(certificateExpiresAt !== undefined && { certificateExpiresAt }),
        };
      }
    },
  };
}
