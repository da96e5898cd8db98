import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricPoint } from '../../domain/metrics.ts';
import type { RolePoints, RoleSeries } from '../../ports/role-series.ts';
import { decodeValue, encodeValue, metricAttr, ROLE_SERIES_TTL, roleSeriesPartition } from './metric-keys.ts';
import { inParallel, queryPages, type Table } from './table.ts';

/** The most minutes one read spans: expression monitors look back at most 10 (and one partial). */
const MAX_MINUTES = 16;

const minuteOf = (time: number) => Math.floor(time / 60) * 60;

/**
 * Role series in the metric table: an item per (role, minute, host) under the partition of the
 * role's minute, holding that host's values of the watched metrics (a few dozen bytes: one write
 * unit). A re-post overwrites its own values; a read of a minute is one Query of one partition.
 */
export function dynamoRoleSeries(table: Table): RoleSeries {
  return {
    async record(orgId, hostId, roles: RolePoints[]) {
      const writes: (() => Promise<unknown>)[] = [];
      for (const { role, points } of roles) {
        const byMinute = new Map<number, Map<string, number>>();
        for (const p of points) {
          const minute = minuteOf(p.time);
          const values = byMinute.get(minute) ?? new Map<string, number>();
          values.set(p.name, p.value);
          byMinute.set(minute, values);
        }
        for (const [minute, values] of byMinute) {
          const names: Record<string, string> = { '#ttl': 'ttl' };
          const vals: Record<string, number | string> = { ':ttl': minute + ROLE_SERIES_TTL };
          const sets = [...values].map(([name, value], i) => {
            names[`#m${i}`] = metricAttr(name);
            vals[`:v${i}`] = encodeValue(value);
            return `#m${i} = :v${i}`;
          });
          writes.push(() =>
            table.doc.send(
              new UpdateCommand({
                TableName: table.name,
                Key: { pk: roleSeriesPartition(orgId, role, minute), sk: hostId },
                UpdateExpression: `SET ${sets.join(', ')}, #ttl = :ttl`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: vals,
              }),
            ),
          );
        }
      }
      await inParallel(writes);
    },

    async read(orgId, role, metric, from, to) {
      const minutes: number[] = [];
      for (let m = Math.max(minuteOf(from), minuteOf(to) - (MAX_MINUTES - 1) * 60); m <= to; m += 60)
        minutes.push(m);
      const pages = await Promise.all(
        minutes.map((minute) =>
          queryPages(table, {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': roleSeriesPartition(orgId, role, minute) },
            ProjectionExpression: 'sk, #m',
            ExpressionAttributeNames: { '#m': metricAttr(metric) },
          }),
        ),
      );
      const byHost = new Map<string, MetricPoint[]>();
      pages.forEach((items, i) => {
        const time = minutes[i] as number;
        for (const item of items) {
          const value = decodeValue(item[metricAttr(metric)]);
          if (value === undefined) continue;
          const host = item.sk as string;
          const list = byHost.get(host) ?? [];
          list.push({ time, value });
          byHost.set(host, list);
        }
      });
      return byHost;
    },
  };
}
