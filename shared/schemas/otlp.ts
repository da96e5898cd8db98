import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import type { OtlpRequest } from '../domain/labeled/otlp.ts';
import { PayloadTooLargeError, ValidationError } from '../errors.ts';
import { OTLP_METRICS_PROTO } from './otlp-metrics.proto.ts';

const root = protobuf.parse(OTLP_METRICS_PROTO).root;
const RequestType = root.lookupType('opentelemetry.proto.ExportMetricsServiceRequest');
const ResponseType = root.lookupType('opentelemetry.proto.ExportMetricsServiceResponse');
const StatusType = root.lookupType('opentelemetry.proto.Status');

/** Mackerel's limit on one OTLP request, and on what a gzipped one may inflate to. */
export const MAX_OTLP_BYTES = 6 * 1024 * 1024;
export const MAX_OTLP_INFLATED_BYTES = 64 * 1024 * 1024;

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false } as const;

export type OtlpEncoding = 'protobuf' | 'json';

export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new ValidationError(
    `Unsupported content type ${JSON.stringify(contentType ?? '')}: OTLP/HTTP takes application/x-protobuf or application/json.`,
  );
}

/**
 * An OTLP/HTTP metrics export request, from its bytes: inflated when gzipped (bounded), decoded by
 * protobufjs from OTLP's definitions (binary, or OTLP's JSON mapping) into plain objects.
 */
export function decodeOtlpMetrics(
  body: Buffer,
  encoding: OtlpEncoding,
  contentEncoding?: string,
): OtlpRequest {
  if (body.length > MAX_OTLP_BYTES)
    throw new PayloadTooLargeError(`The request body is larger than ${MAX_OTLP_BYTES} bytes.`);
  let bytes = body;
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === 'gzip') {
    try {
      bytes = gunzipSync(body, { maxOutputLength: MAX_OTLP_INFLATED_BYTES });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new PayloadTooLargeError(`The request inflates to more than ${MAX_OTLP_INFLATED_BYTES} bytes.`);
      throw new ValidationError('The request body is not valid gzip.');
    }
  } else if (coding !== '' && coding !== 'identity')
    throw new ValidationError(
      `Unsupported content encoding ${JSON.stringify(contentEncoding)}: gzip or none.`,
    );
  try {
    if (encoding === 'protobuf')
      return RequestType.toObject(RequestType.decode(bytes), TO_OBJECT) as OtlpRequest;
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return RequestType.toObject(
      RequestType.fromObject(json as Record<string, unknown>),
      TO_OBJECT,
    ) as OtlpRequest;
  } catch (err) {
    throw new ValidationError(`Invalid OTLP metrics request: ${(err as Error).message}`);
  }
}

/** OTLP's answer: an empty response, or `partial_success` with the count and reason of refused points. */
export function encodeOtlpResponse(
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): { body: Buffer | string; contentType: string } {
  const message =
    rejected > 0
      ? { partialSuccess: { rejectedDataPoints: rejected, errorMessage } }
      : { partialSuccess: undefined };
  if (encoding === 'json')
    return {
      body: JSON.stringify(
        rejected > 0 ? { partialSuccess: { rejectedDataPoints: String(rejected), errorMessage } } : {},
      ),
      contentType: 'application/json',
    };
  return {
    body: Buffer.from(ResponseType.encode(ResponseType.fromObject(message)).finish()),
    contentType: 'application/x-protobuf',
  };
}

/** OTLP's failure body (google.rpc.Status); its JSON also carries Mackerel's `error.message`. */
export function encodeOtlpStatus(
  encoding: OtlpEncoding,
  code: number,
  message: string,
): { body: Buffer | string; contentType: string } {
  if (encoding === 'json')
    return { body: JSON.stringify({ code, message, error: { message } }), contentType: 'application/json' };
  return {
    body: Buffer.from(StatusType.encode(StatusType.fromObject({ code, message })).finish()),
    contentType: 'application/x-protobuf',
  };
}
