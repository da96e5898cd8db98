import type { Message } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { REGION } from './intrinsics.ts';
import type { Invocation } from './lambda-service.ts';

export interface MappingSpec {
  logicalId: string;
  queueArn: string;
  queueUrl: string;
  functionArn: string;
  /** The function's role: the event source mapping polls with it. */
  role: string;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

/** Lambda starts five pollers for an SQS event source (and scales from there); five here. */
const POLLERS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lambda's SQS event source mapping as the template declares it: it polls the queue with the
 * function's role (so ReceiveMessage and DeleteMessage are that role's calls, judged by IAM), gathers
 * up to `BatchSize` messages or what the batching window brings, invokes the function, and deletes
 * what succeeded: with `ReportBatchItemFailures`, all but the reported items; after a failed
 * invocation, nothing. What is not deleted comes back after the queue's visibility timeout and goes
 * to the dead-letter queue after `maxReceiveCount` receives (moto does both). Five pollers take
 * batches side by side, as Lambda's do, so a slow batch holds up only itself. Short polls only: moto
 * runs single-threaded, and a long poll would stall every other call.
 */
export class SqsEventSourceMapping {
  readonly outcomes: { records: number; failed: number; invocation: Invocation }[] = [];
  /** What went wrong in polling itself (never expected: the tests assert it stays empty). */
  readonly errors: unknown[] = [];
  #running = false;
  #loops: Promise<void>[] = [];
  readonly #sqs: SQSClient;
  /** Receipt handles of messages left on the queue after a failure (their visibility timeout runs). */
  readonly #inFlight = new Set<string>();

  readonly spec: MappingSpec;
  readonly #invoke: (functionArn: string, event: unknown) => Promise<Invocation>;
  readonly #admin: SQSClient;

  constructor(
    spec: MappingSpec,
    endpoint: string,
    invoke: (functionArn: string, event: unknown) => Promise<Invocation>,
    admin: SQSClient,
  ) {
    this.spec = spec;
    this.#invoke = invoke;
    this.#admin = admin;
    this.#sqs = new SQSClient({
      endpoint,
      region: REGION,
      credentials: { accessKeyId: spec.role, secretAccessKey: 'harness' },
    });
  }

  async start(): Promise<void> {
    if (!this.spec.enabled) return;
    // Lambda checks the queue with the function's role when the mapping is created.
    await this.#sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.spec.queueUrl, AttributeNames: ['All'] }),
    );
    this.#running = true;
    // Lambda polls an SQS queue with several pollers at once, each invoking with its own batch.
    // The first polls often; the others back off while the queue is empty (moto is single-threaded).
    this.#loops = Array.from({ length: POLLERS }, async (_, poller) => {
      while (this.#running) {
        const handled = await this.poll().catch((err: unknown) => {
          this.errors.push(err);
          return 0;
        });
        if (handled === 0) await sleep(poller === 0 ? 150 : 1000);
      }
    });
  }

  /** One batch: gather, invoke, delete what succeeded. Returns how many messages it handled. */
  async poll(): Promise<number> {
    const messages: Message[] = [];
    const windowEnds = Date.now() + this.spec.batchingWindowSeconds * 1000;
    while (messages.length < this.spec.batchSize) {
      const out = await this.#sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.spec.queueUrl,
          MaxNumberOfMessages: Math.min(10, this.spec.batchSize - messages.length),
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      messages.push(...(out.Messages ?? []));
      if ((out.Messages ?? []).length === 0) {
        if (messages.length === 0 || Date.now() >= windowEnds) break;
        await sleep(100);
      }
    }
    if (messages.length === 0) return 0;
    const event: SQSEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId as string,
        receiptHandle: m.ReceiptHandle as string,
        body: m.Body as string,
        attributes: m.Attributes as never,
        messageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
            k,
            {
              stringValue: v.StringValue,
              dataType: v.DataType as string,
              stringListValues: [],
              binaryListValues: [],
            },
          ]),
        ) as never,
        md5OfBody: m.MD5OfBody as string,
        eventSource: 'aws:sqs',
        eventSourceARN: this.spec.queueArn,
        awsRegion: REGION,
      })),
    };
    const invocation = await this.#invoke(this.spec.functionArn, event);
    let failedIds = new Set<string>(event.Records.map((r) => r.messageId));
    if (invocation.ok) {
      if (!this.spec.reportBatchItemFailures) failedIds = new Set();
      else {
        const reported = (invocation.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
          ?.batchItemFailures;
        const ids = (reported ?? []).map((f) => f.itemIdentifier);
        // An identifier that is not in the batch (or none at all) fails the whole batch, as Lambda does.
        failedIds = ids.every((id) => id && failedIds.has(id)) ? new Set(ids as string[]) : failedIds;
      }
    }
    const done = event.Records.filter((r) => !failedIds.has(r.messageId));
    for (let i = 0; i < done.length; i += 10)
      await this.#sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.spec.queueUrl,
          Entries: done.slice(i, i + 10).map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
        }),
      );
    for (const r of event.Records) if (failedIds.has(r.messageId)) this.#inFlight.add(r.receiptHandle);
    this.outcomes.push({ records: event.Records.length, failed: failedIds.size, invocation });
    return event.Records.length;
  }

  /**
   * Lets the visibility timeout of every message left after a failure run out now (instead of
   * waiting minutes): the test's stand-in for time passing. Done as the harness, not the role.
   */
  async expireVisibility(): Promise<number> {
    const handles = [...this.#inFlight];
    this.#inFlight.clear();
    for (const ReceiptHandle of handles)
      await this.#admin
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.spec.queueUrl,
            ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .catch(() => undefined);
    return handles.length;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }
}
