import type { Deps } from '../ports/deps.ts';
import { renderEmbed } from '../use-cases/embeds/embeds.ts';
import { type ConsoleFiles, consoleResult, isConsolePath } from './console.ts';
import type { ApiResult } from './event.ts';
import { toErrorResult } from './reply.ts';

const EMBED = /^\/embed\/([A-Za-z0-9_-]{1,8192}\.[A-Za-z0-9_-]{1,128})$/;

/** Whether a path is one of the few answered without a key: the console's files and embed links. */
export const isPublicPath = (path: string): boolean => isConsolePath(path) || EMBED.test(path);

/**
 * The public paths' answers, the same locally and in the api function: the console, and embedded
 * graphs as SVG (403 for any link that does not check out, naming nothing of the graph).
 */
export function createPublicHandler(
  deps: Deps,
  consoleFiles: ConsoleFiles | undefined,
  log: (msg: string, err: unknown) => void,
) {
  return async (path: string): Promise<ApiResult> => {
    if (isConsolePath(path)) return consoleResult(path, consoleFiles);
    const token = EMBED.exec(path)?.[1] ?? '';
    try {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'image/svg+xml; charset=utf-8',
          'cache-control': 'private, max-age=60',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'x-content-type-options': 'nosniff',
        },
        body: await renderEmbed(deps, token),
      };
    } catch (err) {
      return toErrorResult(err, log);
    }
  };
}
