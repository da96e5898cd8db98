import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface DynamoConnection {
  /** Set for dynalite (local mode and tests); unset on AWS. */
  endpoint?: string;
  region?: string;
  /** For dynalite: the local runtime's own (see infra/local/embedded-dynamodb.ts); any for tests. */
  credentials?: DynamoCredentials;
}

/** One document client per process, created at module scope by the composition root. */
export function createDocumentClient({
  endpoint,
  region,
  credentials,
}: DynamoConnection): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: region ?? 'us-east-1',
    ...(endpoint && {
      endpoint,
      credentials: credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
