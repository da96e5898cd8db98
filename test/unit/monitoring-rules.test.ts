import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '#shared/adapters/http/private-addresses.ts';
import { downtimeCovers, isDowntimeActive } from '#shared/domain/monitoring/downtime.ts';
import { evaluateExpression, parseExpression, seriesRefKey } from '#shared/domain/monitoring/expression.ts';
import { hostInScope, pseudoMetricValue, thresholdStatus } from '#shared/domain/monitoring/monitor.ts';
import { channelsFor, defaultGroup, type NotificationGroup } from '#shared/domain/monitoring/notification.ts';

describe('thresholds, scopes and pseudo-metrics', () => {
  it('compares with the observed value on the left, critical first', () => {
    const t = { operator: '>' as const, warning: 70, critical: 90 };
    expect([thresholdStatus(50, t), thresholdStatus(80, t), thresholdStatus(95, t)]).toEqual([
      'OK',
      'WARNING',
      'CRITICAL',
    ]);
    expect(thresholdStatus(5, { operator: '<', warning: null, critical: 10 })).toBe('CRITICAL');
    expect(thresholdStatus(10, { operator: '<', warning: null, critical: 10 })).toBe('OK');
  });

  it('matches service and role scopes, with or without a space, excludes winning', () => {
    const roles = { shop: ['web', 'db'] };
    expect(hostInScope(roles, undefined, undefined)).toBe(true);
    expect(hostInScope(roles, ['shop'], [])).toBe(true);
    expect(hostInScope(roles, ['shop: web'], [])).toBe(true);
    expect(hostInScope(roles, ['shop:batch'], [])).toBe(false);
    expect(hostInScope(roles, ['shop'], ['shop:db'])).toBe(false);
    expect(hostInScope({}, ['shop'], null as never)).toBe(false);
  });

  it('computes cpu%, memory%, swap% and the fullest filesystem', () => {
    expect(
      pseudoMetricValue('cpu%', {
        'cpu.user.percentage': 150,
        'cpu.system.percentage': 50,
        'cpu.idle.percentage': 200,
      }),
    ).toBe(50);
    expect(pseudoMetricValue('memory%', { 'memory.total': 1000, 'memory.used': 250 })).toBe(25);
    expect(pseudoMetricValue('swap%', { 'memory.swap_total': 100, 'memory.swap_free': 40 })).toBe(60);
    expect(
      pseudoMetricValue('disk%', {
        'filesystem.sda1.size': 100,
        'filesystem.sda1.used': 10,
        'filesystem.sdb.size': 50,
        'filesystem.sdb.used': 45,
      }),
    ).toBe(90);
    expect(pseudoMetricValue('memory%', { 'memory.used': 1 })).toBeUndefined();
  });
});

describe('expressions', () => {
  const data = (refs: ReturnType<typeof parseExpression>['refs'], series: Map<number, number>[][]) =>
    new Map(refs.map((r, i) => [seriesRefKey(r), series[i] ?? []]));

  it('aggregates a role and does arithmetic on the newest common minute', () => {
    const parsed = parseExpression('avg(role("shop:web", "loadavg5")) * 2 + 1');
    const v = evaluateExpression(
      parsed,
      data(parsed.refs, [
        [
          new Map([
            [60, 1],
            [120, 3],
          ]),
          new Map([
            [60, 3],
            [120, 5],
          ]),
        ],
      ]),
    );
    expect(v).toBe(9);
  });

  it('divides two series point by point, and takes single quotes and functions', () => {
    const parsed = parseExpression("divide(host('h1','a'), service('svc', 'b'))");
    const v = evaluateExpression(parsed, data(parsed.refs, [[new Map([[60, 10]])], [new Map([[60, 4]])]]));
    expect(v).toBe(2.5);
    const maxed = parseExpression('max(group(host("h1","a"), host("h2","a")))');
    expect(evaluateExpression(maxed, data(maxed.refs, [[new Map([[0, 1]])], [new Map([[0, 7]])]]))).toBe(7);
  });

  it('takes arguments unquoted, as Mackerel writes them: host ids, wildcards, service:role', () => {
    const parsed = parseExpression(
      'max(role(my-service:db, loadavg5)) + scale(host(22CXRB3pZmu, memory.*), 2)*3',
    );
    expect(parsed.refs).toEqual([
      { kind: 'role', fullname: 'my-service:db', metric: 'loadavg5' },
      { kind: 'host', hostId: '22CXRB3pZmu', metric: 'memory.*' },
    ]);
    const v = evaluateExpression(parsed, data(parsed.refs, [[new Map([[60, 1]])], [new Map([[60, 2]])]]));
    expect(v).toBe(1 + 2 * 2 * 3);
    expect(() => parseExpression('avg(loadavg5)')).toThrow();
  });

  it('refuses what it cannot evaluate, with a reason', () => {
    for (const bad of [
      '',
      'avg(',
      'foo(1)',
      '1 + 2',
      'host("h1")',
      'role("nocolon", "m")',
      'host("h", "m") +',
      `${'('.repeat(40)}1`,
    ])
      expect(() => parseExpression(bad), bad).toThrow();
    const many = parseExpression('group(role("a:b", "m"))');
    expect(() => evaluateExpression(many, data(many.refs, [[new Map([[0, 1]]), new Map([[0, 2]])]]))).toThrow(
      /2 series/,
    );
  });
});

describe('downtimes', () => {
  const day = 86400;
  const start = Date.UTC(2026, 10, 2, 1, 0) / 1000; // a Monday, 01:00 UTC

  it('covers a one-off window and nothing after it', () => {
    const d = { id: 'd', name: 'once', start, duration: 60 };
    expect([
      isDowntimeActive(d, start - 1),
      isDowntimeActive(d, start),
      isDowntimeActive(d, start + 3599),
      isDowntimeActive(d, start + 3600),
    ]).toEqual([false, true, true, false]);
  });

  it('recurs daily until `until`, and weekly on named days', () => {
    const daily = {
      id: 'd',
      name: 'nightly',
      start,
      duration: 30,
      recurrence: { type: 'daily' as const, interval: 1, until: start + 3 * day },
    };
    expect(isDowntimeActive(daily, start + 2 * day + 60)).toBe(true);
    expect(isDowntimeActive(daily, start + 2 * day + 31 * 60)).toBe(false);
    expect(isDowntimeActive(daily, start + 4 * day + 60)).toBe(false);
    const weekly = {
      id: 'w',
      name: 'w',
      start,
      duration: 60,
      recurrence: { type: 'weekly' as const, interval: 1, weekdays: ['Wednesday' as const] },
    };
    expect(isDowntimeActive(weekly, start + 2 * day + 60)).toBe(true);
    expect(isDowntimeActive(weekly, start + 1 * day + 60)).toBe(false);
    expect(isDowntimeActive(weekly, start + 9 * day + 60)).toBe(true);
    const monthly = {
      id: 'm',
      name: 'm',
      start,
      duration: 60,
      recurrence: { type: 'monthly' as const, interval: 1 },
    };
    expect(isDowntimeActive(monthly, Date.UTC(2027, 0, 2, 1, 30) / 1000)).toBe(true);
    expect(isDowntimeActive(monthly, Date.UTC(2027, 0, 3, 1, 30) / 1000)).toBe(false);
  });

  it('applies its scopes, excludes winning', () => {
    const d = {
      id: 'd',
      name: 'x',
      start,
      duration: 60,
      serviceScopes: ['shop'],
      monitorExcludeScopes: ['m2'],
    };
    expect(downtimeCovers(d, { monitorId: 'm1', roles: { shop: ['web'] } })).toBe(true);
    expect(downtimeCovers(d, { monitorId: 'm2', roles: { shop: ['web'] } })).toBe(false);
    expect(downtimeCovers(d, { monitorId: 'm1', roles: { blog: ['web'] } })).toBe(false);
    expect(downtimeCovers({ id: 'e', name: 'all', start, duration: 1 }, { monitorId: 'm9', roles: {} })).toBe(
      true,
    );
  });
});

describe('notification routing', () => {
  const alert = (status: string) => ({ kind: 'open' as const, alert: { status } as never });
  const groups: NotificationGroup[] = [
    defaultGroup(),
    {
      id: 'ops',
      type: 'group',
      name: 'ops',
      notificationLevel: 'critical',
      childNotificationGroupIds: ['sub'],
      childChannelIds: ['pager'],
      services: [{ name: 'shop' }],
    },
    {
      id: 'sub',
      type: 'group',
      name: 'sub',
      notificationLevel: 'all',
      childNotificationGroupIds: ['ops'],
      childChannelIds: ['hook'],
    },
    {
      id: 'quiet',
      type: 'group',
      name: 'q',
      notificationLevel: 'all',
      childNotificationGroupIds: [],
      childChannelIds: ['chat'],
      monitors: [{ id: 'm-quiet', skipDefault: true }],
    },
  ];

  it('sends to the default group, and to groups naming the service or monitor by level', () => {
    expect(
      channelsFor(alert('CRITICAL'), { monitorId: 'm1', services: ['shop'] }, groups, false).sort(),
    ).toEqual(['default-channel', 'hook', 'pager']);
    expect(channelsFor(alert('WARNING'), { monitorId: 'm1', services: ['shop'] }, groups, false)).toEqual([
      'default-channel',
    ]);
    expect(
      channelsFor(
        { kind: 'close', alert: { status: 'OK' } as never },
        { monitorId: 'm1', services: ['shop'] },
        groups,
        true,
      ).sort(),
    ).toEqual(['default-channel', 'hook', 'pager']);
  });

  it('skips the default group when a group says skipDefault for the monitor', () => {
    expect(channelsFor(alert('WARNING'), { monitorId: 'm-quiet', services: [] }, groups, false)).toEqual([
      'chat',
    ]);
  });
});

describe('outbound targets', () => {
  it('refuses private, loopback, link-local and mapped addresses, and allows public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '2606:4700:4700::1111', '8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});
