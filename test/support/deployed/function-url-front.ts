import {
  type FrontAnswer,
  type FrontRequest,
  FrontServer,
  type FunctionInvoker,
  frontAnswer,
  MAX_EVENT_BYTES,
  MAX_RESPONSE_BYTES,
  payloadV2Answer,
  payloadV2Event,
} from './front-server.ts';
import { REGION } from './intrinsics.ts';

/** What the front needs of the deployment, read from the template's `AWS::Lambda::Url` and permissions. */
export interface FunctionUrlSpec {
  /** The URL's id, its host's first label. */
  urlId: string;
  functionArn: string;
  authType: string;
  /** The function's resource policy: statements of its AWS::Lambda::Permission resources. */
  permissions: {
    functionArn: string;
    action: string;
    principal: string;
    functionUrlAuthType?: string;
    invokedViaFunctionUrl?: boolean;
  }[];
}

const lambdaAnswer = (status: number, message: string, error?: string) =>
  frontAnswer(status, { Message: message }, error);

/**
 * A Lambda function URL as Lambda runs the template's URL: no IAM auth only if the function's
 * resource policy allows anyone both `lambda:InvokeFunctionUrl` (auth type NONE) and, since
 * October 2025, `lambda:InvokeFunction` via a function URL (else 403); the payload 2.0 event with
 * the one `$default` route and no path parameters; the 6 MB invocation limits (413, 502); the
 * function's reserved concurrency as the throttle (429); a failed invocation as 502; no route
 * table, no 30 s limit, and no access log of its own (the function writes it).
 */
export class FunctionUrlFront extends FrontServer {
  readonly spec: FunctionUrlSpec;
  protected readonly maxBodyBytes = MAX_EVENT_BYTES;

  constructor(spec: FunctionUrlSpec, lambda: FunctionInvoker) {
    super(lambda);
    if (spec.authType !== 'NONE') throw new Error(`function URL auth type ${spec.authType} is not modelled`);
    this.spec = spec;
  }

  protected tooLarge(): FrontAnswer {
    return lambdaAnswer(413, 'Request Entity Too Large');
  }

  #permitted(): boolean {
    const mine = this.spec.permissions.filter(
      (p) => p.functionArn === this.spec.functionArn && p.principal === '*',
    );
    return (
      mine.some((p) => p.action === 'lambda:InvokeFunctionUrl' && p.functionUrlAuthType === 'NONE') &&
      mine.some((p) => p.action === 'lambda:InvokeFunction' && p.invokedViaFunctionUrl === true)
    );
  }

  protected async answer(r: FrontRequest): Promise<FrontAnswer> {
    if (!this.#permitted())
      return lambdaAnswer(403, 'Forbidden', 'no resource policy allows public invocation');
    const event = payloadV2Event(r, {
      routeKey: '$default',
      apiId: this.spec.urlId,
      domainName: `${this.spec.urlId}.lambda-url.${REGION}.on.aws`,
      stage: '$default',
    });
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES)
      return lambdaAnswer(413, 'Request Entity Too Large', 'Request payload size exceeded');
    const outcome = await this.lambda.invoke(this.spec.functionArn, event);
    if (!outcome.ok)
      return outcome.errorType === 'TooManyRequestsException'
        ? lambdaAnswer(429, 'Rate Exceeded.', outcome.errorMessage)
        : lambdaAnswer(502, 'Internal Server Error', outcome.errorMessage);
    if (Buffer.byteLength(JSON.stringify(outcome.result ?? null)) > MAX_RESPONSE_BYTES)
      return lambdaAnswer(502, 'Internal Server Error', 'Response payload size exceeded');
    return payloadV2Answer(outcome.result);
  }
}
