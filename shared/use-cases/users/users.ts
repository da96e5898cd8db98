import { epochSeconds } from '../../domain/clock.ts';
import {
  type Authority,
  EMAIL,
  INVITATION_SECONDS,
  type Invitation,
  type User,
} from '../../domain/monitoring/user.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';

export const listUsers = async (deps: EntityDeps, orgId: string): Promise<User[]> =>
  (await deps.entities.users.list(orgId)).sort(
    (a, b) => a.joinedAt - b.joinedAt || a.email.localeCompare(b.email),
  );

/**
 * Adds a member by address (the admin CLI, and invitations, which in saba add the user at once so
 * alerts reach them from the start). The same address may be a member of several organizations.
 */
export async function addUser(
  deps: EntityDeps,
  orgId: string,
  email: string,
  authority: Authority,
  pending = false,
): Promise<User> {
  if (!EMAIL.test(email)) throw new ValidationError(`Invalid email address: ${JSON.stringify(email)}.`);
  if (!(await deps.entities.orgs.get(orgId))) throw new NotFoundError(`Organization ${orgId} not found.`);
  const users = await deps.entities.users.list(orgId);
  if (users.some((u) => u.email.toLowerCase() === email.toLowerCase()))
    throw new ValidationError(`${email} is already a member of this organization.`);
  const user: User = {
    id: deps.newId(),
    screenName: email.split('@')[0] ?? email,
    email,
    authority,
    isInRegistrationProcess: pending,
    isMFAEnabled: false,
    authenticationMethods: [],
    joinedAt: epochSeconds(deps.clock),
  };
  await deps.entities.users.put(orgId, user);
  return user;
}

/** The organization's owner cannot be removed (Mackerel: 403 for the creator). */
export async function deleteUser(deps: EntityDeps, orgId: string, userId: string): Promise<User> {
  const user = await deps.entities.users.get(orgId, userId);
  if (!user) throw new NotFoundError('User Not Found.');
  if (user.authority === 'owner')
    throw new ForbiddenError('The owner of the organization cannot be removed.');
  await deps.entities.users.delete(orgId, userId);
  await deps.entities.invitations.delete(orgId, user.email.toLowerCase());
  return user;
}

export const listInvitations = async (deps: EntityDeps, orgId: string): Promise<Invitation[]> =>
  (await deps.entities.invitations.list(orgId))
    .filter((i) => i.expiresAt > epochSeconds(deps.clock))
    .map(({ id: _id, ...i }) => i);

export async function invite(
  deps: EntityDeps,
  orgId: string,
  email: string,
  authority: Invitation['authority'],
): Promise<Invitation> {
  const invitation = { email, authority, expiresAt: epochSeconds(deps.clock) + INVITATION_SECONDS };
  if (!(await deps.entities.invitations.create(orgId, { id: email.toLowerCase(), ...invitation })))
    throw new ValidationError(`${email} is already invited.`);
  try {
    await addUser(deps, orgId, email, authority, true);
  } catch (err) {
    await deps.entities.invitations.delete(orgId, email.toLowerCase());
    throw err;
  }
  return invitation;
}

/** Revoking takes back the invitation and the member it added, if they never finished joining. */
export async function revokeInvitation(deps: EntityDeps, orgId: string, email: string): Promise<void> {
  if (!(await deps.entities.invitations.delete(orgId, email.toLowerCase())))
    throw new NotFoundError('Invitation Not Found.');
  const pending = (await deps.entities.users.list(orgId)).find(
    (u) => u.email.toLowerCase() === email.toLowerCase() && u.isInRegistrationProcess,
  );
  if (pending) await deps.entities.users.delete(orgId, pending.id);
}
