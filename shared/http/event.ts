import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { LogFields } from '../logging.ts';

/**
 * What the authorizer puts in the request context. Unknown keys are passed through with `denied`
 * set, so the function answers with Mackerel's error body instead of API Gateway's own.
 */
export interface AuthContext {
  orgId?: string;
  permission?: 'read' | 'write';
  denied?: string;
  /** 401 when no key was sent, 403 when the key is unknown. */
  deniedStatus?: 401 | 403;
}

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;
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
