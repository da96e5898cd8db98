import type { ForwardedPoint, ForwardSelector } from '../../domain/forwarding.ts';
import type { NamedPoint } from '../../domain/metrics.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { ForwardQueue } from '../../ports/metric-forwarding.ts';
import type { MonitorDirectory } from '../monitoring/monitor-directory.ts';

/** Forwarding as the ingest function has it: the compiled rules and the queue. */
export interface Forwarding {
  selector: ForwardSelector;
  queue: ForwardQueue;
}

/**
 * After a host post is stored: the points the rules choose, with their dimensions (host name and
 * roles from the per-process host cache the monitors use too), onto the queue in one send.
 */
export async function forwardHostPoints(
  deps: EntityDeps,
  forwarding: Forwarding,
  directory: MonitorDirectory,
  orgId: string,
  byHost: Map<string, NamedPoint[]>,
): Promise<number> {
  const chosen: ForwardedPoint[] = [];
  for (const [hostId, points] of byHost) {
    const host = await directory.host(deps, orgId, hostId);
    if (host) chosen.push(...forwarding.selector.hostPoints(host, points));
  }
  if (chosen.length > 0) await forwarding.queue.send(orgId, chosen);
  return chosen.length;
}

export async function forwardServicePoints(
  forwarding: Forwarding,
  orgId: string,
  service: string,
  points: NamedPoint[],
): Promise<number> {
  const chosen = forwarding.selector.servicePoints(service, points);
  if (chosen.length > 0) await forwarding.queue.send(orgId, chosen);
  return chosen.length;
}
