import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An embeddable graph: one series set (a host's or service's metric, or a role's metric for every
 * host) over a range, readable without a key through a signed URL until it expires or is revoked.
 */
export type EmbedGraph =
  | { type: 'host'; hostId: string; name: string }
  | { type: 'role'; roleFullname: string; name: string }
  | { type: 'service'; serviceName: string; name: string };

/** A sliding window ending now (`period` seconds), or a fixed one. */
export type EmbedRange =
  | { type: 'relative'; period: number }
  | { type: 'absolute'; from: number; to: number };

export interface Embed {
  id: string;
  title: string;
  graph: EmbedGraph;
  range: EmbedRange;
  expiresAt: number;
  createdAt: number;
}

/** What the URL carries, signed: the organization, the embed, its series, range and expiry. */
export interface EmbedClaims {
  o: string;
  i: string;
  g: EmbedGraph;
  r: EmbedRange;
  e: number;
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const mac = (secret: string, payload: string) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(payload).digest();

/** `<claims>.<HMAC-SHA256 of claims>`, base64url: changing any byte of either breaks it. */
export function signEmbed(secret: string, claims: EmbedClaims): string {
  const payload = b64(JSON.stringify(claims));
  return `${payload}.${b64(mac(secret, payload))}`;
}

/** The claims a token carries, unverified (to find the organization whose secret checks it). */
export function peekEmbed(token: string): EmbedClaims | undefined {
  const [payload] = token.split('.');
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as EmbedClaims;
    return typeof claims?.o === 'string' && typeof claims.i === 'string' && typeof claims.e === 'number'
      ? claims
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the token was signed with `secret` (constant time). */
export function verifyEmbed(secret: string, token: string): boolean {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return false;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The window an embed shows at `now`. */
export const embedWindow = (r: EmbedRange, now: number): { from: number; to: number } =>
  r.type === 'relative' ? { from: now - r.period, to: now } : { from: r.from, to: r.to };

export const sameGraph = (a: Embed, c: EmbedClaims): boolean =>
  JSON.stringify(a.graph) === JSON.stringify(c.g) &&
  JSON.stringify(a.range) === JSON.stringify(c.r) &&
  a.expiresAt === c.e;
