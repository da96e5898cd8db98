import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

export interface QueuedMessage {
  messageId?: string;
  body: string;
  receiptHandle?: string;
  /** As SQS returns them with `AttributeNames: ['All']`. */
  attributes?: Partial<SQSRecord['attributes']>;
}

/**
 * An SQS event as Lambda's event source mapping hands it to a function: every field of each
 * record that the mapping sets (attributes, MD5 of the body, source ARN, region).
 */
export function sqsEventOf(
  messages: QueuedMessage[],
  queueArn = 'arn:aws:sqs:us-east-1:123456789012:saba-jobs',
): SQSEvent {
  const now = String(Date.now());
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId ?? randomUUID(),
      receiptHandle: m.receiptHandle ?? randomUUID(),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'AROAEXAMPLE:saba',
        ApproximateFirstReceiveTimestamp: now,
        ...m.attributes,
      } as SQSRecord['attributes'],
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
    })),
  };
}

/** A Lambda context whose remaining time runs down with the clock from `remainingMs`. */
export function lambdaContext(remainingMs: number, functionName = 'saba-test'): Context {
  const deadline = Date.now() + remainingMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
