import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

const at = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('custom dashboards (§10): layouts, reference lines, what a deletion leaves', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
    await call('POST', '/api/v0/services', { name: 'shop', memo: '' });
    await call('POST', '/api/v0/services/shop/roles', { name: 'web', memo: '' });
    await call('POST', '/api/v0/services', { name: 'gone', memo: '' });
    await call('POST', '/api/v0/services/gone/roles', { name: 'db', memo: '' });
  });
  afterAll(() => server.destroy());

  const board = (widgets: unknown[], urlPath = `b${Math.random().toString(36).slice(2, 8)}`) => ({
    title: 'b',
    urlPath,
    memo: '',
    widgets,
  });
  const graph = (layout: object, extra: object = {}) => ({
    type: 'graph',
    title: 'g',
    graph: { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
    layout,
    ...extra,
  });

  it('refuses layouts outside each type’s sizes, past the 24 columns, or overlapping', async () => {
    const refused = [
      [graph(at(0, 0, 5, 6))], // a graph is at least 6 wide
      [graph(at(0, 0, 6, 33))], // and at most 32 high
      [
        {
          type: 'value',
          title: 'v',
          metric: { type: 'expression', expression: 'x' },
          layout: at(0, 0, 4, 3),
        },
      ],
      [{ type: 'markdown', title: 'm', markdown: '', layout: at(0, 0, 3, 2) }],
      [{ type: 'alertStatus', title: 'a', roleFullname: 'shop:web', layout: at(0, 0, 4, 2) }],
      [graph(at(20, 0, 6, 6))], // past column 24
      [graph(at(0, 0, 12, 8)), graph(at(11, 7, 6, 6))], // overlapping by one cell
      [graph(at(0, 0, 6, 6), { referenceLines: [{ label: ' ', value: 1 }] })],
      [graph(at(0, 0, 6, 6), { referenceLines: [{ label: 'limit', value: -1 }] })],
      [
        graph(at(0, 0, 6, 6), {
          referenceLines: [
            { label: 'a', value: 1 },
            { label: 'b', value: 2 },
          ],
        }),
      ],
    ];
    for (const widgets of refused) {
      const res = await call('POST', '/api/v0/dashboards', board(widgets));
      expect(res.status, JSON.stringify(widgets)).toBe(400);
      expect(res.json.error.message).toBeTruthy();
    }
    const fits = await call(
      'POST',
      '/api/v0/dashboards',
      board([
        graph(at(0, 0, 12, 8)),
        graph(at(12, 0, 12, 8), { referenceLines: [{ label: 'limit', value: 4 }] }),
        { type: 'markdown', title: 'm', markdown: 'x', layout: at(0, 8, 24, 2) },
        {
          type: 'value',
          title: 'v',
          metric: { type: 'expression', expression: 'x' },
          layout: at(0, 10, 4, 4),
        },
      ]),
    );
    expect(fits.status).toBe(200);
    expect(fits.json.widgets[0].referenceLines).toEqual([]);
    expect(fits.json.widgets[1].referenceLines).toEqual([{ label: 'limit', value: 4 }]);
  });

  it('lists every dashboard whole; a PUT without a widgets array is refused and changes nothing', async () => {
    const made = (
      await call(
        'POST',
        '/api/v0/dashboards',
        board([graph(at(0, 0, 6, 6), { range: { type: 'absolute', start: 1700000000, end: 1700003600 } })]),
      )
    ).json;
    const listed = (await call('GET', '/api/v0/dashboards')).json.dashboards.find(
      (d: { id: string }) => d.id === made.id,
    );
    expect(listed).toEqual((await call('GET', `/api/v0/dashboards/${made.id}`)).json);
    expect(listed.widgets).toHaveLength(1);
    for (const widgets of [null, undefined, {}, 'none']) {
      const res = await call('PUT', `/api/v0/dashboards/${made.id}`, { ...board([], made.urlPath), widgets });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/widgets/);
    }
    expect((await call('GET', `/api/v0/dashboards/${made.id}`)).json.widgets).toHaveLength(1);
    const emptied = await call('PUT', `/api/v0/dashboards/${made.id}`, board([], made.urlPath));
    expect(emptied.status).toBe(200);
    expect(emptied.json.widgets).toEqual([]);
  });

  it('answers unknown for graphs and metrics whose role or service was deleted, and a null role', async () => {
    const made = (
      await call(
        'POST',
        '/api/v0/dashboards',
        board([
          {
            type: 'graph',
            title: 'r',
            graph: { type: 'role', roleFullname: 'gone:db', name: 'x' },
            layout: at(0, 0, 6, 6),
          },
          {
            type: 'graph',
            title: 's',
            graph: { type: 'service', serviceName: 'gone', name: 'x' },
            layout: at(6, 0, 6, 6),
          },
          {
            type: 'value',
            title: 'v',
            metric: { type: 'service', serviceName: 'gone', name: 'x' },
            layout: at(12, 0, 4, 4),
          },
          { type: 'alertStatus', title: 'a', roleFullname: 'gone:db', layout: at(16, 0, 4, 4) },
          graph(at(0, 6, 6, 6)),
        ]),
      )
    ).json;
    expect(made.widgets[0].graph).toEqual({ type: 'role', roleFullname: 'gone:db', name: 'x' });
    expect((await call('DELETE', '/api/v0/services/gone/roles/db')).status).toBe(200);
    expect((await call('DELETE', '/api/v0/services/gone')).status).toBe(200);
    const read = (await call('GET', `/api/v0/dashboards/${made.id}`)).json;
    expect(read.widgets.map((w: { graph?: unknown; metric?: unknown }) => w.graph ?? w.metric)).toEqual([
      { type: 'unknown' },
      { type: 'unknown' },
      { type: 'unknown' },
      undefined,
      { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
    ]);
    expect(read.widgets[3]).toHaveProperty('roleFullname', null);
  });
});
