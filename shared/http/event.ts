import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LogFields } from '../logging.ts';

/**
 * The API Gateway HTTP API (payload format 2.0) event of a request, as every front hands it over:
 * no authorizer context; the function checks the `X-Api-Key` header itself (key-check.ts).
 */
export type ApiEvent = APIGatewayProxyEventV2;
/**
 * An answer. `logFields` and `logLevel` are not sent: the request's log line carries them (how many
 * points a post stored and dropped, and why; `warn` makes the line show at SABA_LOG_LEVEL=warn).
 */
export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  body: string;
  logFields?: LogFields;
  logLevel?: 'warn';
};
