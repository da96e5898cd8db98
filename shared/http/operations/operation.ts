import type { Deps } from '../../ports/deps.ts';
import type { ApiResult } from '../event.ts';
import type { ApiRequest } from '../request.ts';

/** A route's handler: parse and validate the request, call one use case, map its result. */
export type Operation = (req: ApiRequest, deps: Deps) => Promise<ApiResult>;

/** Path parameters are always present for the routes that declare them. */
export const param = (req: ApiRequest, name: string): string => req.params[name] ?? '';
