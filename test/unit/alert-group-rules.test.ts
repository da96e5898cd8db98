import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AlertGroup,
  GROUP_ALERTS_KEPT,
  resendDue,
  settingCovers,
  withAlert,
  withoutAlert,
  worstStatus,
} from '#shared/domain/monitoring/alert-group.ts';
import type { AlertStatus } from '#shared/domain/monitoring/monitor.ts';

const subject = { monitorId: 'm1', services: ['shop'], roles: ['shop:web'] };
const empty: AlertGroup = {
  id: 'g1',
  settingId: 's1',
  settingName: 'web',
  status: 'OK',
  peak: 'OK',
  isOpen: true,
  openedAt: 1000,
  openAlerts: {},
  alertIds: [],
  monitorId: 'm1',
  services: ['shop'],
};

describe('alert group rules', () => {
  it('service and role scopes are alternatives, monitor scopes narrow them, no scope takes all', () => {
    const covers = (s: Parameters<typeof settingCovers>[0]) => settingCovers(s, subject);
    expect(covers({ id: 's', name: 'all' })).toBe(true);
    expect(covers({ id: 's', name: 'n', serviceScopes: ['shop'] })).toBe(true);
    expect(covers({ id: 's', name: 'n', serviceScopes: ['blog'] })).toBe(false);
    expect(covers({ id: 's', name: 'n', serviceScopes: ['blog'], roleScopes: ['shop: web'] })).toBe(true);
    expect(covers({ id: 's', name: 'n', roleScopes: ['shop:db'] })).toBe(false);
    expect(covers({ id: 's', name: 'n', monitorScopes: ['m1'] })).toBe(true);
    expect(covers({ id: 's', name: 'n', roleScopes: ['shop:web'], monitorScopes: ['m2'] })).toBe(false);
    expect(covers({ id: 's', name: 'n', roleScopes: ['shop:web'], monitorScopes: ['m2', 'm1'] })).toBe(true);
  });

  it('the status is the worst open one, the peak the worst ever; the last to leave closes the group', () => {
    let g = withAlert(empty, 'a1', 'WARNING');
    g = withAlert(g, 'a2', 'CRITICAL');
    expect([g.status, g.peak]).toEqual(['CRITICAL', 'CRITICAL']);
    g = withoutAlert(g, 'a2', 1060);
    expect([g.status, g.peak, g.isOpen]).toEqual(['WARNING', 'CRITICAL', true]);
    g = withAlert(g, 'a1', 'UNKNOWN');
    expect(g.status).toBe('UNKNOWN');
    g = withoutAlert(g, 'a1', 1120);
    expect(g).toMatchObject({
      status: 'OK',
      isOpen: false,
      closedAt: 1120,
      closedBy: 'a1',
      alertIds: ['a1', 'a2'],
    });
  });

  it('keeps every open alert and at most the cap of ids, dropping the oldest closed ones', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: GROUP_ALERTS_KEPT + 80 }), (closes) => {
        let g = empty;
        closes.forEach((close, i) => {
          g = withAlert(g, `a${String(i).padStart(4, '0')}`, 'CRITICAL');
          if (close && i < closes.length - 1) g = withoutAlert(g, `a${String(i).padStart(4, '0')}`, 2000);
        });
        const open = Object.keys(g.openAlerts);
        expect(open.every((id) => g.alertIds.includes(id))).toBe(true);
        expect(g.alertIds.length).toBeLessThanOrEqual(Math.max(GROUP_ALERTS_KEPT, open.length));
        expect([...g.alertIds].sort()).toEqual(g.alertIds);
      }),
      { numRuns: 50 },
    );
  });

  it('worstStatus orders CRITICAL > WARNING > UNKNOWN > OK', () => {
    const all: AlertStatus[] = ['OK', 'UNKNOWN', 'WARNING', 'CRITICAL'];
    for (let i = 0; i < all.length; i++) expect(worstStatus(all.slice(0, i + 1))).toBe(all[i]);
    expect(worstStatus([])).toBe('OK');
  });

  it('resends only open, told groups whose setting has an interval, once it has passed', () => {
    const told = { ...withAlert(empty, 'a1', 'CRITICAL'), notifiedBy: 'a1', lastNotifiedAt: 1000 };
    const setting = { id: 's1', name: 'web', notificationInterval: 10 };
    expect(resendDue(told, setting, 1599)).toBe(false);
    expect(resendDue(told, setting, 1600)).toBe(true);
    expect(resendDue(told, { id: 's1', name: 'web' }, 5000)).toBe(false);
    expect(resendDue({ ...told, notifiedBy: undefined }, setting, 5000)).toBe(false);
    expect(resendDue(withoutAlert(told, 'a1', 1200), setting, 5000)).toBe(false);
  });
});
