import { randomBytes } from 'node:crypto';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** An 11-character base58 id like Mackerel's (`2cSZzK3XfmG`): about 64 random bits, URL-path safe. */
export function newId(): string {
  const bytes = randomBytes(11);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % 58];
  return id;
}

export type IdGenerator = () => string;
