/**
 * Why a role may do what no harness run does. The key is an action (any role) or `<role logical id
 * prefix> <action>`. test/aws/deployed-full.test.ts fails on an unused action without a reason here,
 * and on a reason for an action the run now uses.
 */
export const UNUSED_ACTION_REASONS: Record<string, string> = {
  'xray:PutTraceSegments':
    'Active tracing: Lambda sends the segments, not the function code; the harness has no X-Ray.',
  'xray:PutTelemetryRecords':
    'Active tracing: Lambda sends the segments, not the function code; the harness has no X-Ray.',
  'sqs:ChangeMessageVisibility':
    'Added by CDK’s SqsEventSource with the consume grant; Lambda’s poller needs only ReceiveMessage, DeleteMessage and GetQueueAttributes, and saba’s code never calls it.',
  'sqs:GetQueueUrl':
    'Added by CDK’s SqsEventSource with the consume grant; the mapping and saba address the queue by its ARN and URL.',
  'IngestFunctionRole logs:PutLogEvents':
    'Ingest logs failures only (SABA_LOG_LEVEL=warn on the function): a run in which every post is good writes no line.',
  'CompactionDispatchRole logs:PutLogEvents': 'The dispatcher writes no line when it succeeds.',
  'CompactionWorkerRole logs:PutLogEvents': 'The worker logs failed jobs only.',
  'CompactionWorkerRole dynamodb:BatchWriteItem':
    'Day items are written for days at least two days old (COMPACT_AFTER); posts older than 24 h are refused, so a fresh deployment has none.',
  'IntegrationsFunctionRole dynamodb:BatchGetItem':
    'The entity access the integration shares with the checker (ENTITY_ACCESS.monitor); a run reads its items one at a time.',
  'IntegrationsFunctionRole dynamodb:DeleteItem':
    'Deletes the record of a resource that disappeared (and, through retirement, alert states); every resource of the harness run stays.',
  'IntegrationsFunctionRole dynamodb:BatchWriteItem':
    'The entity access it shares with the checker, which batch-writes the alert logs of many transitions; the integration closes the alerts of a retired host one at a time.',
  'IntegrationsFunctionRole dynamodb:UpdateItem':
    'The entity access it shares with the checker; the integration writes whole items (PutItem), and its metric writes go to the metric table.',
  'AnomalyTrainingFunctionRole dynamodb:DeleteItem':
    'Deletes the models of hosts that left a role and of deleted monitors (test/use-cases/anomaly-detection.test.ts); the run’s monitor and hosts stay.',
  'MonitoringCheckerRole dynamodb:BatchGetItem':
    'The entity access the scheduled run shares with its worker (ENTITY_ACCESS.monitor): it reads the alert states in one Query, and batch-gets one only when another checker changed it meanwhile (test/use-cases/connectivity.test.ts runs three at once).',
  'MonitoringCheckerRole ec2:DescribeInstances':
    'Read only when a host on an EC2 instance falls silent under an integration with retireAutomatically (test/use-cases/aws-integration.test.ts runs it against moto); the run’s silent host is no instance.',
};

/** The reason for a role's unused action, role-specific first. */
export const reasonFor = (role: string, action: string): string | undefined =>
  Object.entries(UNUSED_ACTION_REASONS).find(([key]) => {
    const [prefix, a] = key.includes(' ') ? key.split(' ') : [undefined, key];
    return a === action && (prefix === undefined || role.startsWith(prefix));
  })?.[1];
