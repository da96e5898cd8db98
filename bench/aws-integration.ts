/**
 * `npm run bench:integration`: the AWS integration's calls per run at 100 and 1,000 resources,
 * counted from a run against moto (server mode), and what they cost at 5-minute polling.
 * The mix: half EC2 instances, a quarter SQS queues, a quarter DynamoDB tables.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsCloudAccount, createAwsCloudAccess } from '#shared/adapters/aws/cloud-account.ts';
import { awsIntegrationSchema } from '#shared/schemas/aws-integrations.ts';
import { parseBody } from '#shared/schemas/parse.ts';
import { createOrg } from '#shared/use-cases/admin.ts';
import { createAwsIntegration } from '#shared/use-cases/integrations/aws-integrations.ts';
import { runAwsIntegrations } from '#shared/use-cases/integrations/run-integrations.ts';
import { retireAndCloseAlerts } from '#shared/use-cases/retire-hosts.ts';
import { startTestDynamo } from '../test/support/dynalite.ts';
import { startMoto } from '../test/support/moto.ts';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** CloudWatch GetMetricData: $0.01 per 1,000 metrics requested (us-east-1); the list calls are free. */
const PER_METRIC = 0.01 / 1000;
const RUNS_PER_MONTH = (30 * 24 * 60) / 5;

const [moto, dynamo] = await Promise.all([startMoto(), startTestDynamo()]);
const at = <C>(Make: new (c: object) => C) =>
  new Make({ region: REGION, endpoint: moto.endpoint, credentials });
let made = { ec2: 0, sqs: 0, dynamodb: 0 };
const image =
  (await at(EC2Client).send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? 'ami-12c6146b';

async function growTo(total: number): Promise<void> {
  const ec2 = total / 2 - made.ec2;
  if (ec2 > 0)
    await at(EC2Client).send(new RunInstancesCommand({ ImageId: image, MinCount: ec2, MaxCount: ec2 }));
  for (; made.sqs < total / 4; made.sqs++)
    await at(SQSClient).send(new CreateQueueCommand({ QueueName: `q-${made.sqs}` }));
  for (; made.dynamodb < total / 4; made.dynamodb++)
    await at(DynamoDBClient).send(
      new CreateTableCommand({
        TableName: `t-${made.dynamodb}`,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  made = { ...made, ec2: total / 2 };
}

const rows: string[] = [];
for (const total of [100, 1000]) {
  await growTo(total);
  const deps = await dynamo.deps();
  await createOrg(deps, 'bench');
  const on = { enable: true, role: null, excludedMetrics: [] };
  await createAwsIntegration(
    deps,
    'bench',
    parseBody(awsIntegrationSchema, {
      name: 'bench',
      region: REGION,
      services: { EC2: on, SQS: on, DynamoDB: on },
    }),
  );
  const accounts: AwsCloudAccount[] = [];
  const base = createAwsCloudAccess({ endpoint: moto.endpoint, credentials });
  const access = (c: Parameters<typeof base>[0]) => {
    const a = base(c) as AwsCloudAccount;
    accounts.push(a);
    return a;
  };
  let queries = 0;
  const counting: typeof access = (c) => {
    const a = access(c);
    const metricData = a.metricData.bind(a);
    a.metricData = (q, f, t, p) => {
      queries += q.length;
      return metricData(q, f, t, p);
    };
    return a;
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const stats = await runAwsIntegrations(deps, counting, retireAndCloseAlerts, (m) => console.error(m));
  const wall = (performance.now() - started) / 1000;
  const cpuS = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
  const ops = new Map<string, number>();
  for (const a of accounts) for (const [op, n] of a.byOperation) ops.set(op, (ops.get(op) ?? 0) + n);
  const perResource = (queries * PER_METRIC * RUNS_PER_MONTH) / stats.resources;
  rows.push(
    `| ${stats.resources} | ${stats.requests} (${[...ops].map(([o, n]) => `${o.replace(/Client:|Command/g, ' ').trim()} ${n}`).join(', ')}) | ${queries} | ${stats.metrics} | ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU | $${(queries * PER_METRIC * RUNS_PER_MONTH).toFixed(2)} | $${perResource.toFixed(3)} |`,
  );
}
console.log(
  '| resources | AWS requests per run (by operation) | metrics requested | points stored | run time | GetMetricData $/month | $/resource-month |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
await Promise.all([moto.stop(), dynamo.stop()]);
