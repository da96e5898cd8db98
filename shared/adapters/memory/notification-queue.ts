import type { NotificationJob } from '../../domain/monitoring/notification.ts';
import type { NotificationQueue } from '../../ports/notifications.ts';

/** Keeps jobs in memory: for benchmarks and tests that look at what would be delivered. */
export class MemoryNotificationQueue implements NotificationQueue {
  readonly jobs: NotificationJob[] = [];
  async send(jobs: NotificationJob[]): Promise<void> {
    this.jobs.push(...jobs);
  }
}
