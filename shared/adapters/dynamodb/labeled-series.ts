import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LabeledSeries } from '../../domain/labeled/otlp.ts';
import type { LabeledSeriesIndex } from '../../ports/labeled-series.ts';
import { batchGetAll, conditionally, inParallel, queryAll, type Table } from './table.ts';

/**
 * Items, all in the entity table:
 * - `O#org#LSER` / id: the series (name, labels): is it known;
 * - `O#org#LNAME#name` / id: the series of one metric name;
 * - `O#org#LPOST#label` / `value\0id`: the postings of each label, by value;
 * - `O#org#LNAMES` / name, `O#org#LLABELS` / label: the name and label lists;
 * - `O#org#LCOUNT` / count: how many series the organization has (for its limit);
 * - `O#org#LTOTAL` / id: a delta sum's running total and the time it last added.
 */
const p = (orgId: string, kind: string) => `O#${orgId}#${kind}`;

export function dynamoLabeledSeries(table: Table): LabeledSeriesIndex {
  // One PutItem each (new series are rare; the ingest function needs no BatchWriteItem grant).
  const write = (items: Record<string, unknown>[]) =>
    inParallel(
      items.map((Item) => () => table.doc.send(new PutCommand({ TableName: table.name, Item }))),
      16,
    );
  const seriesOf = (i: Record<string, unknown>): LabeledSeries => ({
    id: i.id as string,
    name: i.name as string,
    labels: JSON.parse(i.labels as string) as Record<string, string>,
  });
  return {
    async known(orgId, ids) {
      const items = await batchGetAll(
        table,
        [...new Set(ids)].map((id) => ({ pk: p(orgId, 'LSER'), sk: id })),
        'sk',
      );
      return new Set(items.map((i) => i.sk as string));
    },
    async add(orgId, series, limit) {
      if (series.length === 0) return new Set();
      // Reserve room first: a series past the limit is never indexed.
      let room = series.length;
      while (room > 0) {
        const reserved = await conditionally(() =>
          table.doc.send(
            new UpdateCommand({
              TableName: table.name,
              Key: { pk: p(orgId, 'LCOUNT'), sk: 'count' },
              UpdateExpression: 'ADD #n :n',
              ConditionExpression: 'attribute_not_exists(#n) OR #n <= :max',
              ExpressionAttributeNames: { '#n': 'n' },
              ExpressionAttributeValues: { ':n': room, ':max': limit - room },
            }),
          ),
        );
        if (reserved) break;
        const current = await table.doc.send(
          new GetCommand({ TableName: table.name, Key: { pk: p(orgId, 'LCOUNT'), sk: 'count' } }),
        );
        room = Math.min(room - 1, limit - Number(current.Item?.n ?? 0));
      }
      const admitted = series.slice(0, Math.max(0, room));
      const labels = new Set<string>();
      const items: Record<string, unknown>[] = [];
      for (const s of admitted) {
        const doc = { id: s.id, name: s.name, labels: JSON.stringify(s.labels) };
        items.push({ pk: p(orgId, `LNAME#${s.name}`), sk: s.id, ...doc });
        items.push({ pk: p(orgId, 'LNAMES'), sk: s.name });
        for (const [k, v] of Object.entries(s.labels)) {
          items.push({ pk: p(orgId, `LPOST#${k}`), sk: `${v}\0${s.id}`, ...doc });
          labels.add(k);
        }
      }
      for (const k of labels) items.push({ pk: p(orgId, 'LLABELS'), sk: k });
      // The series item last: until it is written the series is not known, and a retry redoes it all.
      const unique = new Map(items.map((i) => [`${i.pk}\0${i.sk}`, i]));
      await write([...unique.values()]);
      await write(admitted.map((s) => ({ pk: p(orgId, 'LSER'), sk: s.id, name: s.name })));
      return new Set(admitted.map((s) => s.id));
    },
    async byName(orgId, name) {
      return (await queryAll(table, p(orgId, `LNAME#${name}`))).map(seriesOf);
    },
    async byLabel(orgId, label, value) {
      return (await queryAll(table, p(orgId, `LPOST#${label}`), `${value}\0`)).map(seriesOf);
    },
    async names(orgId) {
      return (await queryAll(table, p(orgId, 'LNAMES'))).map((i) => i.sk as string).sort();
    },
    async labelNames(orgId) {
      return (await queryAll(table, p(orgId, 'LLABELS'))).map((i) => i.sk as string).sort();
    },
    async labelValues(orgId, label) {
      const items = await queryAll(table, p(orgId, `LPOST#${label}`));
      return [...new Set(items.map((i) => (i.sk as string).split('\0')[0] as string))].sort();
    },
    async accumulate(orgId, seriesId, time, delta) {
      const key = { pk: p(orgId, 'LTOTAL'), sk: seriesId };
      // A retried post's increment fails the condition and adds nothing.
      await conditionally(() =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: key,
            UpdateExpression: 'ADD #total :d SET #at = :t',
            ConditionExpression: 'attribute_not_exists(#at) OR #at < :t',
            ExpressionAttributeNames: { '#total': 'total', '#at': 'at' },
            ExpressionAttributeValues: { ':d': delta, ':t': time },
          }),
        ),
      );
      const out = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
      );
      return Number(out.Item?.total ?? delta);
    },
  };
}
