import { z } from 'zod';

export const closeAlertSchema = z.object({ reason: z.string().max(1024) });
/** Mackerel's memo limit is 80 KB (413 above it). */
export const ALERT_MEMO_MAX_BYTES = 80 * 1024;
export const alertMemoSchema = z.object({ memo: z.string() });
