import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PULSE_SHARDS } from '#shared/adapters/dynamodb/metric-keys.ts';
import { sqsJobQueue } from '#shared/adapters/sqs/job-queue.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { createOrg } from '#shared/use-cases/admin.ts';
import { dispatchCompaction } from '#shared/use-cases/metrics/compaction.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const sqs = mockClient(SQSClient);

describe('compaction dispatch', () => {
  let dynamo: TestDynamo;
  let deps: Deps;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await dynamo.deps();
    await createOrg(deps, 'org-a');
    await createOrg(deps, 'org-b');
  });
  afterAll(() => dynamo.stop());

  it('queues one job per organization and shard, ten to a batch, resending failed entries', async () => {
    let first = true;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
      if (first) {
        first = false;
        return { Successful: [], Failed: [{ Id: input.Entries[0]?.Id, Code: 'x', SenderFault: false }] };
      }
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const count = await dispatchCompaction(
      deps,
      sqsJobQueue('https://sqs.local/q', new SQSClient({ region: 'us-east-1' })),
    );
    expect(count).toBe(2 * PULSE_SHARDS);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls[0]?.Entries).toHaveLength(10);
    expect(calls[1]?.Entries).toHaveLength(1); // the one failed entry, again
    const bodies = [...new Set(calls.flatMap((c) => c.Entries ?? []).map((e) => e.MessageBody ?? ''))].map(
      (b) => JSON.parse(b),
    );
    expect(bodies).toHaveLength(2 * PULSE_SHARDS);
    expect(bodies).toContainEqual({ org: 'org-b', shard: PULSE_SHARDS - 1 });
    expect(calls.every((c) => c.QueueUrl === 'https://sqs.local/q')).toBe(true);
  });
});
