import { z } from 'zod';
import { EMAIL } from '../domain/monitoring/user.ts';

export const invitationSchema = z.object({
  email: z.string().max(254).regex(EMAIL, 'must be an email address'),
  authority: z.enum(['manager', 'collaborator', 'viewer']),
});
export const revokeInvitationSchema = z.object({
  email: z.string().max(254).regex(EMAIL, 'must be an email address'),
});
