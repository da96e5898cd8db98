import { instanceIdOf } from '../../domain/integrations/aws-integration.ts';
import type { CloudAccess } from '../../ports/cloud.ts';
import type { Deps } from '../../ports/deps.ts';
import { credentialsOf, type Retire } from './collect-aws.ts';

const LIVE_STATES = new Set(['pending', 'running', 'stopping', 'stopped']);

/**
 * Before the checker opens connectivity alerts for hosts that just fell silent: the ones on EC2
 * instances that are terminated (or that EC2 no longer knows) are retired instead, when an
 * integration of the organization reads EC2 with `retireAutomatically`. One DescribeInstances per
 * 200 silent instances, and only for hosts not yet alerting, so a scale-in of 50 is one call and
 * no alert. A failed call retires nothing: the alerts open as they would without the integration.
 */
export async function retireTerminatedInstances(
  deps: Deps,
  orgId: string,
  hostIds: string[],
  access: CloudAccess,
  retire: Retire,
  log: (msg: string, detail: unknown) => void,
): Promise<Set<string>> {
  const integrations = (await deps.entities.awsIntegrations.list(orgId)).filter(
    (i) => i.services.EC2?.enable && i.services.EC2.retireAutomatically,
  );
  if (integrations.length === 0) return new Set();
  const onInstances = (await deps.entities.hosts.getMany(orgId, hostIds)).flatMap((h) => {
    const instanceId = instanceIdOf(h.customIdentifier ?? '');
    return instanceId && !h.isRetired ? [{ hostId: h.id, instanceId }] : [];
  });
  if (onInstances.length === 0) return new Set();
  const live = new Set<string>();
  for (const i of integrations) {
    try {
      const account = access(credentialsOf(i));
      const states = await account.instanceStates(onInstances.map((h) => h.instanceId));
      for (const [id, state] of states) if (LIVE_STATES.has(state)) live.add(id);
    } catch (err) {
      log(`checker: could not read instance states for ${orgId}; silent hosts alert as usual`, err);
      return new Set();
    }
  }
  const gone = onInstances.filter((h) => !live.has(h.instanceId)).map((h) => h.hostId);
  await retire(deps, orgId, gone);
  return new Set(gone);
}
