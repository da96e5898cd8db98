import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSaba } from '#infra/saba-app.ts';
import { ROUTES } from '#shared/http/routes.ts';

/** A function's construct id from its role's policy id (`IngestFunctionRoleDefaultPolicy…` → `IngestFunction`). */
const functionOf = (policyId: string) =>
  policyId.replace(/Role(DefaultPolicy)?[0-9A-F]*$/, '').replace(/^Monitoring/, '');

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string[]>>;
}

/** Every statement of each function's role, keyed by the function's construct id. */
function statementsByFunction(t: Template): Record<string, Statement[]> {
  const out: Record<string, Statement[]> = {};
  for (const [id, policy] of Object.entries(t.findResources('AWS::IAM::Policy'))) {
    const name = functionOf(id);
    out[name] = [...(out[name] ?? []), ...policy.Properties.PolicyDocument.Statement];
  }
  return out;
}

/** DynamoDB, Timestream and SQS actions of each function's policy. */
function actionsByFunction(t: Template): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(statementsByFunction(t)).map(([fn, statements]) => [
      fn,
      statements.flatMap((s) => [s.Action].flat()).filter((a) => /^(dynamodb|timestream|sqs):/.test(a)),
    ]),
  );
}

/** The key prefixes a function may touch on a table (by the table's logical id in the ARN). */
function leadingKeys(t: Template, fn: string, table: RegExp): string[] {
  return (statementsByFunction(t)[fn] ?? [])
    .filter(
      (s) =>
        [s.Action].flat().some((a) => a.startsWith('dynamodb:')) && table.test(JSON.stringify(s.Resource)),
    )
    .flatMap((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? ['<any key>']);
}

/** What `queue.grantConsumeMessages` gives an event-source function. */
const SQS_CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];

describe('CDK stacks (DynamoDB metric store, the default)', () => {
  let app: App;
  let data: Template;
  let api: Template;

  beforeAll(() => {
    app = new App();
    const stacks = buildSaba(app);
    data = Template.fromStack(stacks.data);
    api = Template.fromStack(stacks.api);
  });

  it('keeps entities in one on-demand table with pk/sk, PITR, TTL, retained on delete', () => {
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      }),
    });
  });

  it('runs every function on Node.js 24, ARM64, with tracing and the table name in its environment', () => {
    const functions = api.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThanOrEqual(2);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(Object.keys(fn.Properties.Environment.Variables)).toContain('SABA_TABLE_NAME');
    }
  });

  it('puts a cached REQUEST authorizer on X-Api-Key in front of every route', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.X-Api-Key'],
      AuthorizerResultTtlInSeconds: 60,
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
    });
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const keys = routes.map((r) => r.RouteKey).sort();
    const expected = [...ROUTES.map((r) => `${r.method} ${r.path}`), '$default'].sort();
    expect(keys).toEqual(expected);
    for (const route of routes) expect(route.AuthorizationType).toBe('CUSTOM');
  });

  it('grants each function only its own actions, and none of them Scan', () => {
    const actions = actionsByFunction(api);
    expect(actions.Authorizer).toEqual(['dynamodb:GetItem']);
    expect(actions.IngestFunction).toContain('sqs:SendMessage');
    expect(actions.IngestFunction).not.toContain('dynamodb:BatchWriteItem');
    expect(new Set(actions.Notifier)).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        ...SQS_CONSUME,
      ]),
    );
    expect(actions.Checker).toContain('sqs:SendMessage');
    expect(actions.ApiFunction).toContain('dynamodb:PutItem');
    expect(actions.CompactionWorker).toContain('dynamodb:BatchWriteItem');
    expect(actions.CompactionWorker).not.toContain('dynamodb:GetItem');
    expect(actions.CompactionWorker).not.toContain('dynamodb:BatchGetItem');
    expect(actions.CompactionDispatch).toContain('sqs:SendMessage');
    for (const list of Object.values(actions)) {
      expect(list).not.toContain('dynamodb:Scan');
      expect(list.some((a) => a.endsWith(':*'))).toBe(false);
    }
  });

  it('limits every function to the partition-key prefixes it owns, and only the authorizer reads API keys', () => {
    const entities = /Entities/;
    const metrics = /Metrics/;
    expect(leadingKeys(api, 'Authorizer', entities)).toEqual(['KEY#*']);
    for (const fn of ['ApiFunction', 'IngestFunction', 'Checker']) {
      expect(new Set(leadingKeys(api, fn, entities)), fn).toEqual(new Set(['O#*', 'ORGS']));
    }
    expect(leadingKeys(api, 'Notifier', entities)).toEqual(['O#*']);
    expect(leadingKeys(api, 'CompactionDispatch', entities)).toEqual(['ORGS']);
    expect(leadingKeys(api, 'CompactionWorker', entities)).toEqual([]);
    expect(new Set(leadingKeys(api, 'IngestFunction', metrics))).toEqual(new Set(['M#*', 'P#*', 'N#*']));
    expect(new Set(leadingKeys(api, 'CompactionWorker', metrics))).toEqual(new Set(['M#*', 'D#*', 'P#*']));
    for (const [fn, statements] of Object.entries(statementsByFunction(api)))
      for (const s of statements)
        if ([s.Action].flat().some((a) => a.startsWith('dynamodb:')))
          expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'], fn).toBeDefined();
  });

  it('gives each function a role of its own that writes only to its own log group (no managed policy)', () => {
    const roles = Object.entries(api.findResources('AWS::IAM::Role')).filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    expect(roles.length).toBeGreaterThanOrEqual(7);
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    for (const [fn, statements] of Object.entries(statementsByFunction(api))) {
      const logs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      if (logs.length === 0) continue;
      expect(
        logs.map((s) => JSON.stringify(s.Resource)),
        fn,
      ).toEqual([expect.stringMatching(/Logs[0-9A-F]+", "Arn"|Logs[0-9A-F]+","Arn"/)]);
    }
  });

  it('routes the tsdb posts to the ingest function and the rest to the api function', () => {
    const integrations = api.findResources('AWS::ApiGatewayV2::Integration');
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const target = (key: string) => {
      const ref = routes.find((r) => r.RouteKey === key)?.Target['Fn::Join'][1][1].Ref as string;
      return JSON.stringify(integrations[ref]?.Properties.IntegrationUri);
    };
    expect(target('POST /api/v0/tsdb')).toContain('IngestFunction');
    expect(target('POST /api/v0/services/{serviceName}/tsdb')).toContain('IngestFunction');
    expect(target('GET /api/v0/tsdb/latest')).toContain('ApiFunction');
  });

  it('keeps metrics in their own TTL table and compacts them daily through SQS', () => {
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: Match.absent() })],
    });
    api.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 0 * * ? *)' });
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const env = Object.values(api.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(env.filter((v) => v.SABA_METRIC_STORE === 'dynamodb').length).toBe(4);
  });

  it('logs API access and outputs the apibase', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    expect(Object.keys(api.findOutputs('ApiBase'))).toEqual(['ApiBase']);
    // The admin CLI's --stack reads the entity table's name from here.
    data.hasOutput('EntityTableName', { Value: { Ref: Match.stringLikeRegexp('^Entities') } });
  });

  it('passes the cdk-nag AWS Solutions checks (and the checks do catch a bad resource)', () => {
    const nag = new AwsSolutionsChecks(app);
    const report = nag.validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId)}`),
    ).toEqual([]);

    const bad = new App();
    new Bucket(new Stack(bad, 'Bad'), 'Open');
    expect(new AwsSolutionsChecks(bad).validateScope(bad).violations.length).toBeGreaterThan(0);
  });
});

describe('CDK stacks with -c metricStore=timestream', () => {
  let data: Template;
  let api: Template;

  beforeAll(() => {
    const app = new App({ context: { metricStore: 'timestream', retentionDays: 90 } });
    const stacks = buildSaba(app);
    data = Template.fromStack(stacks.data);
    api = Template.fromStack(stacks.api);
  });

  it('creates the Timestream database and table with memory and magnetic retention', () => {
    data.resourceCountIs('AWS::Timestream::Database', 1);
    data.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '6',
        MagneticStoreRetentionPeriodInDays: '90',
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    expect(Object.keys(data.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(1);
  });

  it('grants WriteRecords to ingest and Select to the api function, and has no compaction', () => {
    const actions = actionsByFunction(api);
    expect(actions.IngestFunction).toContain('timestream:WriteRecords');
    expect(actions.IngestFunction).not.toContain('timestream:Select');
    expect(actions.ApiFunction).toContain('timestream:Select');
    expect(actions.ApiFunction).not.toContain('timestream:WriteRecords');
    // Pulses and names live in the entity table with Timestream: P# and N# are added there, nothing else.
    expect(new Set(leadingKeys(api, 'IngestFunction', /Entities/))).toEqual(
      new Set(['O#*', 'ORGS', 'P#*', 'N#*']),
    );
    // Only the checker's schedule: no compaction with Timestream.
    expect(
      Object.values(api.findResources('AWS::Scheduler::Schedule')).map(
        (r) => r.Properties.ScheduleExpression,
      ),
    ).toEqual(['rate(1 minute)']);
    const app = new App({ context: { metricStore: 'timestream' } });
    buildSaba(app);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    const env = Object.values(api.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(env.filter((v) => v.SABA_METRIC_STORE === 'timestream').length).toBe(3);
    expect(actions.Checker).toEqual(expect.arrayContaining(['timestream:Select', 'timestream:WriteRecords']));
  });
});

describe('monitoring in the stacks', () => {
  let api: Template;
  beforeAll(() => {
    const app = new App({ context: { senderEmail: 'alerts@acme.example', connectivityTimeoutSeconds: 120 } });
    api = Template.fromStack(buildSaba(app).api);
  });

  const functionNamed = (prefix: string) => {
    const entry = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith(prefix),
    );
    if (!entry) throw new Error(`no function ${prefix}`);
    return { id: entry[0], props: entry[1].Properties };
  };

  it('runs the checker every minute through EventBridge Scheduler, with the connectivity timeout', () => {
    const checker = functionNamed('MonitoringChecker');
    api.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [checker.id, 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
    expect(checker.props.Environment.Variables).toMatchObject({
      SABA_CONNECTIVITY_TIMEOUT_SECONDS: '120',
      SABA_NOTIFICATION_QUEUE_URL: expect.anything(),
    });
    expect(checker.props.Timeout).toBeLessThan(60);
  });

  it('feeds the notifier from an encrypted SQS queue with a dead-letter queue and partial-batch failures', () => {
    const notifier = functionNamed('MonitoringNotifier');
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: notifier.id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    api.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 10 }),
    });
    expect(notifier.props.Environment.Variables.SABA_SENDER_EMAIL).toBe('alerts@acme.example');
    for (const producer of ['ApiFunction', 'IngestFunction'])
      expect(Object.keys(functionNamed(producer).props.Environment.Variables)).toContain(
        'SABA_NOTIFICATION_QUEUE_URL',
      );
  });

  it('lets only the notifier send email, and only from the configured SES identity', () => {
    const statements = Object.entries(api.findResources('AWS::IAM::Policy')).flatMap(([id, p]) =>
      p.Properties.PolicyDocument.Statement.map((s: { Action: string | string[]; Resource: unknown }) => ({
        id,
        ...s,
      })),
    );
    const ses = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]?.id).toMatch(/^MonitoringNotifier/);
    expect(ses[0]?.Action).toBe('ses:SendEmail');
    const resources = JSON.stringify(ses[0]?.Resource);
    expect(resources).toContain(':identity/alerts@acme.example');
    expect(resources).toContain(':identity/acme.example');
    expect(resources).not.toContain('*');
  });

  it('refuses a sender that is not an email address', () => {
    expect(() => buildSaba(new App({ context: { senderEmail: 'not-an-address' } }))).toThrow(/senderEmail/);
  });
});

describe('saba’s own alarms', () => {
  let api: Template;
  beforeAll(() => {
    api = Template.fromStack(buildSaba(new App({ context: { alarmEmail: 'ops@acme.example' } })).api);
  });

  it('sends every alarm (and its recovery) to one topic, with the email subscription from context', () => {
    api.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme.example' });
    const topic = Object.keys(api.findResources('AWS::SNS::Topic'))[0];
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    // Few alarms: each costs $0.10 a month.
    expect(alarms).toHaveLength(9);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
  });

  it('raises an alarm when the checker has not run for 3 minutes, and on anything dead-lettered', () => {
    api.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocations',
      Namespace: 'AWS/Lambda',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^MonitoringChecker') } }],
    });
    const dlqAlarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(dlqAlarms.map((a) => JSON.stringify(a.Properties.Dimensions))).toEqual([
      expect.stringContaining('MonitoringDeadLetters'),
      expect.stringContaining('CompactionDeadLetters'),
    ]);
    const errors = Object.values(api.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'Errors',
    );
    expect(errors.map((a) => JSON.stringify(a.Properties.Dimensions)).join()).toMatch(/Notifier/);
  });

  it('refuses an alarm address that is not one', () => {
    expect(() => buildSaba(new App({ context: { alarmEmail: 'pager' } }))).toThrow(/alarmEmail/);
  });
});
