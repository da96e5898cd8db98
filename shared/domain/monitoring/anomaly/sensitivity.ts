/** How readily an anomaly detection monitor alerts: Mackerel's three sensitivities. */
export const SENSITIVITIES = ['insensitive', 'normal', 'sensitive'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/**
 * Score thresholds per sensitivity, set from the threshold sweep of `npm run bench:anomaly` on its
 * calibration seeds (docs/monitoring.md): `sensitive` one point above the last threshold with a
 * false alert, `normal` two and a half, `insensitive` for the clearest anomalies only.
 */
export const SENSITIVITY_THRESHOLDS: Record<Sensitivity, number> = {
  insensitive: 12,
  normal: 9,
  sensitive: 7,
};
