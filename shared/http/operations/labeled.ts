import type { QueryResult } from '../../domain/promql/engine.ts';
import { PromQLParseError, parseDuration } from '../../domain/promql/parse.ts';
import { formatSampleValue, PromQLExecutionError } from '../../domain/promql/values.ts';
import { HttpError, ValidationError } from '../../errors.ts';
import {
  decodeOtlpMetrics,
  encodeOtlpResponse,
  encodeOtlpStatus,
  type OtlpEncoding,
  otlpEncodingOf,
} from '../../schemas/otlp.ts';
import { DEFAULT_LABELED_SERIES_LIMIT, ingestOtlp } from '../../use-cases/labeled/ingest-otlp.ts';
import type { KnownSeries } from '../../use-cases/labeled/known-series.ts';
import {
  instantQuery,
  labelNames,
  labelValues,
  rangeQuery,
  seriesMatching,
} from '../../use-cases/labeled/prometheus-api.ts';
import type { ApiResult } from '../event.ts';
import { json } from '../reply.ts';
import type { ApiRequest } from '../request.ts';
import { type Operation, param } from './operation.ts';

const binary = (statusCode: number, out: { body: Buffer | string; contentType: string }): ApiResult =>
  typeof out.body === 'string'
    ? { statusCode, headers: { 'content-type': out.contentType }, body: out.body }
    : {
        statusCode,
        headers: { 'content-type': out.contentType },
        body: out.body.toString('base64'),
        isBase64Encoded: true,
      };

/**
 * `POST /v1/metrics`: OTLP/HTTP, answered in OTLP's shape (a Status on failure, in the request's
 * encoding). `known` is the process's cache of indexed series.
 */
export const otlpExport =
  (known: KnownSeries): Operation =>
  async (req, deps) => {
    let encoding: OtlpEncoding = 'json';
    try {
      encoding = otlpEncodingOf(req.headers['content-type']);
      const request = decodeOtlpMetrics(req.bytes(), encoding, req.headers['content-encoding']);
      const result = await ingestOtlp(
        deps,
        known,
        req.orgId,
        request,
        async () =>
          (await deps.entities.orgs.get(req.orgId))?.labeledSeriesLimit ?? DEFAULT_LABELED_SERIES_LIMIT,
      );
      return {
        ...binary(200, encodeOtlpResponse(encoding, result.rejected, result.errorMessage)),
        logFields: { points: result.accepted, ...(result.rejected > 0 && { rejected: result.rejected }) },
        ...(result.rejected > 0 && { logLevel: 'warn' as const }),
      };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      // gRPC's INVALID_ARGUMENT (3), or RESOURCE_EXHAUSTED (8) for a body over the limit.
      return binary(err.status, encodeOtlpStatus(encoding, err.status === 413 ? 8 : 3, err.message));
    }
  };

/** Prometheus's API parameters: the query string, or a form body (Grafana POSTs its queries). */
function params(req: ApiRequest): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of req.query.entries()) out.append(k, v);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (req.rawBody && type.startsWith('application/x-www-form-urlencoded'))
    for (const [k, v] of new URLSearchParams(req.rawBody)) out.append(k, v);
  return out;
}

/** A time parameter: Unix seconds (fractions allowed) or RFC 3339; in ms. */
function timeParam(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new PromQLParseError(`invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`);
  return ms;
}

/** A step or duration parameter: seconds (fractions allowed) or a PromQL duration; in ms. */
function durationParam(value: string | null, name: string): number {
  if (value === null || value === '') throw new PromQLParseError(`invalid parameter "${name}": missing`);
  try {
    return parseDuration(value);
  } catch {
    throw new PromQLParseError(`invalid parameter "${name}": cannot parse "${value}" to a valid duration`);
  }
}

/** Prometheus's result encoding: times in seconds, values as strings. */
function encodeResult(r: QueryResult): unknown {
  switch (r.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: [r.result[0] / 1000, formatSampleValue(r.result[1])] };
    case 'string':
      return { resultType: 'string', result: [r.result[0] / 1000, r.result[1]] };
    case 'vector':
      return {
        resultType: 'vector',
        result: r.result.map((s) => ({
          metric: s.metric,
          value: [s.value[0] / 1000, formatSampleValue(s.value[1])],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.result.map((s) => ({
          metric: s.metric,
          values: s.values.map(([t, v]) => [t / 1000, formatSampleValue(v)]),
        })),
      };
  }
}

/** Runs a Prometheus API call, answering its errors as Prometheus does (bad_data 400, execution 422). */
async function prometheus(work: () => Promise<unknown>): Promise<ApiResult> {
  try {
    return json({ status: 'success', data: await work() });
  } catch (err) {
    if (err instanceof PromQLParseError || err instanceof ValidationError)
      return json({ status: 'error', errorType: 'bad_data', error: err.message }, 400);
    if (err instanceof PromQLExecutionError)
      return json({ status: 'error', errorType: 'execution', error: err.message }, 422);
    throw err;
  }
}

const queryText = (p: URLSearchParams): string => {
  const q = p.get('query');
  if (!q) throw new PromQLParseError('invalid parameter "query": missing');
  return q;
};

export const prometheusOperations = {
  promQuery: (req, deps) =>
    prometheus(async () => {
      const p = params(req);
      const time = timeParam(p.get('time'), 'time', deps.clock.now());
      return encodeResult(await instantQuery(deps, req.orgId, queryText(p), time));
    }),
  promQueryRange: (req, deps) =>
    prometheus(async () => {
      const p = params(req);
      const start = timeParam(p.get('start'), 'start', Number.NaN);
      const end = timeParam(p.get('end'), 'end', Number.NaN);
      if (Number.isNaN(start) || Number.isNaN(end))
        throw new PromQLParseError('invalid parameter "start" or "end": missing');
      return encodeResult(
        await rangeQuery(deps, req.orgId, queryText(p), start, end, durationParam(p.get('step'), 'step')),
      );
    }),
  promSeries: (req, deps) =>
    prometheus(async () => {
      const matchers = params(req).getAll('match[]');
      if (matchers.length === 0) throw new PromQLParseError('no match[] parameter provided');
      return seriesMatching(deps, req.orgId, matchers);
    }),
  /**
   * What Grafana asks to learn which Prometheus it talks to: the API version saba follows. Metric
   * metadata (type, help, unit) is not kept, so that answer is empty.
   */
  promBuildInfo: async () =>
    json({
      status: 'success',
      data: {
        version: '3.0.0',
        revision: 'saba',
        branch: 'saba',
        buildUser: '',
        buildDate: '',
        goVersion: '',
      },
    }),
  promMetadata: async () => json({ status: 'success', data: {} }),
  promLabels: (req, deps) => prometheus(() => labelNames(deps, req.orgId, params(req).getAll('match[]'))),
  promLabelValues: (req, deps) =>
    prometheus(() => labelValues(deps, req.orgId, param(req, 'labelName'), params(req).getAll('match[]'))),
} satisfies Record<string, Operation>;
