import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import type { Logger } from '../logging.ts';

export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * An SQS consumer with Powertools' batch processing: each record's body is parsed as JSON and
 * checked against `schema` (a malformed message fails alone), the records are handled in parallel,
 * and the failed ones are answered as batch item failures, so SQS retries only those and parks them
 * in the dead-letter queue after their last try. A batch that fails whole answers every record as
 * failed rather than throwing: nothing already done is redone because of the others.
 */
export function sqsConsumer<S extends z.ZodType>(
  schema: S,
  logger: Logger,
  work: (body: z.output<S>, record: SQSRecord, context: Context) => Promise<void>,
): SqsConsumer {
  const processor = new BatchProcessor(EventType.SQS, {
    parser,
    innerSchema: schema,
    transformer: 'json',
    logger: {
      debug: (msg: string) => logger.debug(msg),
      warn: (msg: string) => logger.warn(msg),
      error: (msg: string) => logger.error(msg),
    },
  });
  return async (event, context) => {
    logger.addContext(context);
    const answer = await processPartialResponse(
      event,
      async (record: Omit<SQSRecord, 'body'> & { body: z.output<S> }) => {
        try {
          await work(record.body, record as unknown as SQSRecord, context);
        } catch (err) {
          logger.warn('message failed', { messageId: record.messageId, error: (err as Error).message });
          throw err;
        }
      },
      processor,
      { context, throwOnFullBatchFailure: false, processInParallel: true },
    );
    for (const err of processor.errors)
      if (err.name === 'ParsingError') logger.warn('malformed message', { error: err.message });
    if (answer.batchItemFailures.length > 0)
      logger.warn('batch item failures', {
        records: event.Records.length,
        failed: answer.batchItemFailures.length,
      });
    return answer;
  };
}
