import { randomBytes } from 'node:crypto';
import type { AlertStatus } from './monitor.ts';

export type AlertType =
  | 'connectivity'
  | 'host'
  | 'service'
  | 'external'
  | 'expression'
  | 'anomalyDetection'
  | 'query'
  | 'check';

/** The series a query monitor's alert is about, as Mackerel's API shows it. */
export interface AlertSeries {
  name: string;
  labels: Record<string, string>;
}

export interface Alert {
  id: string;
  status: AlertStatus;
  monitorId: string;
  type: AlertType;
  hostId?: string;
  /** The service a service or external monitor watches (not shown by the API; used for routing). */
  service?: string;
  /** A query monitor's series. */
  series?: AlertSeries;
  value?: number;
  message?: string;
  reason?: string;
  openedAt: number;
  closedAt?: number;
  memo?: string;
  isOpen: boolean;
}

/** The alert object of the API: `value` and `openedAt` numbers, `reason`/`closedAt` only when closed. */
export function toApiAlert(alert: Alert): Record<string, unknown> {
  const { service: _service, isOpen: _isOpen, ...shown } = alert;
  return shown;
}

/** Alert-log triggers, as the API names them; `notification` is saba's, for a delivery that failed. */
export type AlertTrigger =
  | 'monitoring'
  | 'manual'
  | 'monitorDelete'
  | 'hostRetire'
  | 'serviceDelete'
  | 'notification';

export interface AlertLog {
  id: string;
  createdAt: number;
  status: AlertStatus;
  trigger: AlertTrigger;
  monitorId: string | null;
  targetValue: number | null;
  message?: string;
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * 11-character ids whose order is their creation order: 8 base58 digits of epoch milliseconds (the
 * alphabet is in ASCII order, so string order is time order until the year 6000), then 3 random ones.
 * A clock that stands still (tests) or steps back yields the next millisecond instead.
 * Alerts are listed newest first by sort key alone.
 */
let lastMs = 0;

function timeHead(ms: number): string {
  let t = Math.floor(ms);
  let head = '';
  for (let i = 0; i < 8; i++) {
    head = ALPHABET[t % 58] + head;
    t = Math.floor(t / 58);
  }
  return head;
}

const tailOf = (bytes: Iterable<number>) => [...bytes].map((b) => ALPHABET[b % 58]).join('');

export function timeOrderedId(nowMs: number): string {
  // Within one process ids never repeat a millisecond, so two events of one alert keep their order.
  lastMs = Math.max(Math.floor(nowMs), lastMs + 1);
  return timeHead(lastMs) + tailOf(randomBytes(3));
}

/** A time-ordered id that is the same for the same (time, seed): one log line per delivery, however often it fails. */
export const fixedTimeOrderedId = (ms: number, seed: string): string =>
  timeHead(ms) + tailOf(Buffer.from(seed.slice(0, 6), 'hex'));
