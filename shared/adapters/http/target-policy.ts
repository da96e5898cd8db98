import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TargetPolicy } from '../../ports/notifications.ts';
import { isPrivateAddress } from './private-addresses.ts';

/** How long a save waits on DNS: past it the name is saved and judged again when it is called. */
const RESOLVE_TIMEOUT_MS = 2_000;

export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Whether a webhook, Slack or external-monitor URL may be saved: refused when its host is an IP
 * literal in a refused range, in any of the forms URL parsing accepts (`0x7f000001`, `2130706433`,
 * `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]` all read as loopback), or a name every address of which
 * is refused. A name that does not resolve now is saved: DNS can change, and the guard that checks
 * the address actually connected to (and every redirect hop) stays at send time.
 */
export function targetPolicy(options: { allowPrivate: boolean; resolve?: Resolve }): TargetPolicy {
  const resolve = options.resolve ?? systemResolve;
  const allowIt = 'saba calls no such target unless SABA_ALLOW_PRIVATE_TARGETS=1';
  return {
    async refusal(target) {
      if (options.allowPrivate) return undefined;
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return `${target} is not a URL`;
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host))
        return isPrivateAddress(host)
          ? `${url.host} is a private, loopback, link-local or reserved address (${host}); ${allowIt}`
          : undefined;
      let addresses: string[];
      try {
        addresses = await Promise.race([
          resolve(host),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS).unref(),
          ),
        ]);
      } catch {
        return undefined; // not resolvable now: judged at send time
      }
      return addresses.length > 0 && addresses.every(isPrivateAddress)
        ? `${host} resolves only to private, loopback, link-local or reserved addresses (${addresses.join(', ')}); ${allowIt}`
        : undefined;
    },
  };
}
