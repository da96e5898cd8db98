import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';
import { SCHEDULES, scheduledRun } from '../schemas/jobs.ts';
import {
  runAnomalyTraining,
  type TrainingRunStats,
  wallClockBudget,
} from '../use-cases/monitoring/anomaly-training.ts';

/** New monitors start training within this time of the run's start; the function may run 15 minutes. */
const TRAINING_BUDGET_MS = 10 * 60_000;

/**
 * The anomaly training function (hourly): models of the anomaly detection monitors that are due,
 * one line logged per run. The Lambda entry file and the local loop both build it here.
 */
export function createAnomalyTrainingHandler(
  deps: Deps,
  logger: Logger,
): (event: unknown) => Promise<TrainingRunStats> {
  const expected = scheduledRun(SCHEDULES.anomalyTraining);
  return async (event) => {
    expected(event);
    const began = Date.now();
    const stats = await runAnomalyTraining(
      deps,
      (msg, err) => logger.error(msg, err),
      wallClockBudget(TRAINING_BUDGET_MS),
    );
    logger.info('anomaly training run', { ...stats, ms: Date.now() - began });
    return stats;
  };
}
