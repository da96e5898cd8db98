import { describe, expect, it } from 'vitest';
import { type EmbedClaims, peekEmbed, signEmbed, verifyEmbed } from '#shared/domain/embed.ts';

const SECRET = Buffer.alloc(32, 7).toString('base64url');
const claims: EmbedClaims = {
  o: 'acme',
  i: 'e1',
  g: { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
  r: { type: 'relative', period: 86400 },
  e: 1_900_000_000,
};

describe('embed link signatures', () => {
  it('verifies what it signed, and nothing signed with another secret', () => {
    const token = signEmbed(SECRET, claims);
    expect(verifyEmbed(SECRET, token)).toBe(true);
    expect(peekEmbed(token)).toEqual(claims);
    expect(verifyEmbed(Buffer.alloc(32, 8).toString('base64url'), token)).toBe(false);
  });

  it('breaks when the series, the range or the expiry is changed, or any character of the token', () => {
    const token = signEmbed(SECRET, claims);
    const [, signature] = token.split('.');
    const forged = (c: EmbedClaims) => `${Buffer.from(JSON.stringify(c)).toString('base64url')}.${signature}`;
    expect(verifyEmbed(SECRET, forged({ ...claims, g: { ...claims.g, name: 'memory.used' } }))).toBe(false);
    expect(verifyEmbed(SECRET, forged({ ...claims, r: { type: 'relative', period: 460 * 86400 } }))).toBe(
      false,
    );
    expect(verifyEmbed(SECRET, forged({ ...claims, e: claims.e + 86400 }))).toBe(false);
    expect(verifyEmbed(SECRET, forged({ ...claims, o: 'other' }))).toBe(false);
    for (let i = 0; i < token.length; i += 7) {
      const c = token[i] === 'A' ? 'B' : 'A';
      if (token[i] === '.') continue;
      expect(verifyEmbed(SECRET, token.slice(0, i) + c + token.slice(i + 1)), `position ${i}`).toBe(false);
    }
    expect(verifyEmbed(SECRET, `${token}.x`)).toBe(false);
    expect(peekEmbed('not a token')).toBeUndefined();
  });
});
