export const AUTHORITIES = ['owner', 'manager', 'collaborator', 'viewer'] as const;
export type Authority = (typeof AUTHORITIES)[number];

/** A member of one organization; the same address may be a member of several. */
export interface User {
  id: string;
  screenName: string;
  email: string;
  authority: Authority;
  isInRegistrationProcess: boolean;
  isMFAEnabled: boolean;
  authenticationMethods: string[];
  joinedAt: number;
}

export interface Invitation {
  email: string;
  authority: Exclude<Authority, 'owner'>;
  expiresAt: number;
}

/** Invitations last a week, as Mackerel's do. */
export const INVITATION_SECONDS = 7 * 86400;

export const EMAIL = /^[^\s@<>(),;:"[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;
