import type { _Record } from '@aws-sdk/client-timestream-write';
import type { MetricOwner, NamedPoint } from '../../domain/metrics.ts';

/** WriteRecords takes at most 100 records per call. */
export const RECORDS_PER_CALL = 100;
/** A multi-measure record holds at most 256 measures. */
const MEASURES_PER_RECORD = 256;
export const MEASURE_NAME = 'metrics';

/**
 * One multi-measure record per (owner, time): every metric of that time as a DOUBLE measure. The
 * version is the arrival time in milliseconds, so a re-post upserts the record (last write wins).
 */
export function toRecords(
  org: string,
  owner: MetricOwner,
  points: NamedPoint[],
  versionMs: number,
): _Record[] {
  const byTime = new Map<number, Map<string, number>>();
  for (const p of points) {
    const values = byTime.get(p.time) ?? new Map<string, number>();
    values.set(p.name, p.value);
    byTime.set(p.time, values);
  }
  const records: _Record[] = [];
  for (const [time, values] of byTime) {
    const measures = [...values].map(([Name, v]) => ({ Name, Value: String(v), Type: 'DOUBLE' as const }));
    for (let i = 0; i < measures.length; i += MEASURES_PER_RECORD) {
      records.push({
        Dimensions: [
          { Name: 'org', Value: org },
          { Name: 'kind', Value: owner.kind },
          { Name: 'owner', Value: owner.id },
        ],
        MeasureName: MEASURE_NAME,
        MeasureValueType: 'MULTI',
        MeasureValues: measures.slice(i, i + MEASURES_PER_RECORD),
        Time: String(time),
        TimeUnit: 'SECONDS',
        Version: versionMs,
      });
    }
  }
  return records;
}
