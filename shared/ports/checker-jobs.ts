import type { CheckerJob, CheckerJobResult } from '../domain/monitoring/checker-jobs.ts';

/** Where the checker's jobs go: an SQS queue and its worker on AWS, this process locally. */
export interface CheckerJobQueue {
  sendAll(jobs: CheckerJob[]): Promise<void>;
  /** In-process queues only: resolves once every job sent so far has run, with their results. */
  settled?(): Promise<CheckerJobResult[]>;
}
