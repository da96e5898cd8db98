import { z } from 'zod';

const scope = z.array(z.string().min(1).max(255)).max(100).nullish();

/**
 * An alert group setting as Mackerel takes it. client-go leaves empty scopes and a 0 interval out;
 * an interval, when given, is 0 (no resend) or at least 10 minutes, as for monitors.
 */
export const alertGroupSettingSchema = z.object({
  name: z.string().min(1).max(255),
  memo: z.string().max(2048).nullish(),
  serviceScopes: scope,
  roleScopes: scope,
  monitorScopes: scope,
  notificationInterval: z
    .number()
    .int()
    .refine((n) => n === 0 || (n >= 10 && n <= 7 * 24 * 60), 'must be 0, or 10 to 10080 minutes')
    .nullish(),
});
export type AlertGroupSettingBody = z.output<typeof alertGroupSettingSchema>;
