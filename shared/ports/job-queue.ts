/** Work handed to another invocation (the compaction fan-out). */
export interface JobQueue {
  sendAll(jobs: object[]): Promise<void>;
}
