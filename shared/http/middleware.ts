import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult } from './event.ts';
import { toErrorResult } from './reply.ts';

/** Turns any thrown error into Mackerel's `{"error":{"message":…}}` body (500s stay generic). */
export function mackerelErrors(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: async (request) => {
      request.response = toErrorResult(request.error);
    },
  };
}
