/** How readily an anomaly detection monitor alerts: Mackerel's three sensitivities. */
export const SENSITIVITIES = ['insensitive', 'normal', 'sensitive'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** Score thresholds per sensitivity, calibrated by `npm run bench:anomaly` (docs/monitoring.md). */
export const SENSITIVITY_THRESHOLDS: Record<Sensitivity, number> = {
  insensitive: 12,
  normal: 8,
  sensitive: 6,
};
