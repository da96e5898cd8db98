import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_READ_ACTIONS } from '#infra/constructs/integrations.ts';
import { Saba, type SabaProps } from '#infra/saba.ts';
import { buildSaba } from '#infra/saba-app.ts';
import { ROUTES } from '#shared/http/routes.ts';

/** A function's construct id from its role's policy id (`IngestFunctionRoleDefaultPolicy…` → `IngestFunction`). */
const functionOf = (policyId: string) =>
  policyId
    .replace(/Role(DefaultPolicy)?[0-9A-F]*$/, '')
    .replace(/^Monitoring/, '')
    .replace(/^ForwarderFunction$/, 'Forwarder');

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

  it('runs every function on Node.js 24, ARM64, with tracing (passed through on the hot path) and the table name in its environment', () => {
    const functions = api.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThanOrEqual(2);
    for (const [id, fn] of Object.entries(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({
        Mode: id.startsWith('IngestFunction') ? 'PassThrough' : 'Active',
      });
      expect(Object.keys(fn.Properties.Environment.Variables)).toContain('SABA_TABLE_NAME');
    }
  });

  it('sends every route to its function with no authorizer in front: the functions check the key', () => {
    api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const keys = routes.map((r) => r.RouteKey).sort();
    expect(keys).toEqual([...ROUTES.map((r) => `${r.method} ${r.path}`), '$default'].sort());
    for (const route of routes) expect(route.AuthorizationType ?? 'NONE', route.RouteKey).toBe('NONE');
  });

  it('grants each function only its own actions, and none of them Scan', () => {
    const actions = actionsByFunction(api);
    expect(actions.Authorizer).toBeUndefined();
    expect(actions.IngestFunction).toContain('sqs:SendMessage');
    // Ingest batch-writes alert logs only (entity table, organizations' keys), never metrics.
    const batchWrites = (statementsByFunction(api).IngestFunction ?? []).filter((st) =>
      [st.Action].flat().includes('dynamodb:BatchWriteItem'),
    );
    expect(
      batchWrites.map((st) => st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']),
    ).toEqual([['O#*', 'ORGS']]);
    expect(JSON.stringify(batchWrites[0]?.Resource)).toMatch(/EntityTable|Entities/);
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

  it('limits every function to the partition-key prefixes it owns, and only the HTTP functions read API keys', () => {
    const entities = /Entities/;
    const metrics = /Metrics/;
    for (const fn of ['ApiFunction', 'IngestFunction'])
      expect(new Set(leadingKeys(api, fn, entities)), fn).toEqual(new Set(['O#*', 'ORGS', 'KEY#*']));
    expect(new Set(leadingKeys(api, 'Checker', entities))).toEqual(new Set(['O#*', 'ORGS']));
    // API key items only ever read, by GetItem.
    for (const [fn, statements] of Object.entries(statementsByFunction(api)))
      for (const st of statements)
        if (JSON.stringify(st.Condition ?? {}).includes('KEY#'))
          expect([st.Action].flat(), fn).toEqual(['dynamodb:GetItem']);
    expect(leadingKeys(api, 'Notifier', entities)).toEqual(['O#*']);
    expect(leadingKeys(api, 'CompactionDispatch', entities)).toEqual(['ORGS']);
    expect(leadingKeys(api, 'CompactionWorker', entities)).toEqual([]);
    expect(new Set(leadingKeys(api, 'IngestFunction', metrics))).toEqual(
      new Set(['M#*', 'P#*', 'N#*', 'R#*']),
    );
    expect(new Set(leadingKeys(api, 'CompactionWorker', metrics))).toEqual(new Set(['M#*', 'D#*', 'P#*']));
    expect(new Set(leadingKeys(api, 'IntegrationsFunction', entities))).toEqual(new Set(['O#*', 'ORGS']));
    // Every item action is bound to key prefixes (ListTables, the integration's listing of the
    // account's tables, reads no item).
    for (const [fn, statements] of Object.entries(statementsByFunction(api)))
      for (const s of statements)
        if ([s.Action].flat().some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListTables'))
          expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'], fn).toBeDefined();
  });

  it('lets the AWS integration only describe, list and read metrics in the account (besides saba’s own data)', () => {
    const statements = statementsByFunction(api).IntegrationsFunction ?? [];
    const onAccount = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !/^(dynamodb:(?!ListTables)|logs:|xray:|timestream:)/.test(a));
    expect(onAccount.sort()).toEqual([...INTEGRATION_READ_ACTIONS, 'apigateway:GET'].sort());
    for (const a of onAccount) expect(a).toMatch(/:(Describe|List|Get)[A-Za-z]*$|^apigateway:GET$/);
    // No role to assume unless the deployment names one.
    expect(onAccount).not.toContain('sts:AssumeRole');
    api.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({ Input: JSON.stringify({ schedule: 'saba.integrations' }) }),
    });
  });

  it('trains the anomaly models hourly in a function of its own that only reads metrics', () => {
    api.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: JSON.stringify({ schedule: 'saba.anomaly-training' }) }),
    });
    const statements = statementsByFunction(api).AnomalyTrainingFunction ?? [];
    const onMetrics = statements.filter((s) => JSON.stringify(s.Resource).includes('Metrics'));
    const metricActions = onMetrics.flatMap((s) => [s.Action].flat());
    expect(metricActions.length).toBeGreaterThan(0);
    for (const a of metricActions) expect(a).toMatch(/^dynamodb:(GetItem|Query)$/);
    expect(new Set(leadingKeys(api, 'AnomalyTrainingFunction', /Metrics/))).toEqual(
      new Set(['M#*', 'D#*', 'P#*', 'N#*']),
    );
    expect(new Set(leadingKeys(api, 'AnomalyTrainingFunction', /Entities/))).toEqual(
      new Set(['O#*', 'ORGS']),
    );
    expect(actionsByFunction(api).AnomalyTrainingFunction).not.toContain('sqs:SendMessage');
  });

  it('gives each function a role of its own that writes only to its own log group (no managed policy)', () => {
    const roles = Object.entries(api.findResources('AWS::IAM::Role')).filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    expect(roles.length).toBeGreaterThanOrEqual(6);
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

  it('builds the console into the api function’s bundle (its page, script and stylesheet)', async () => {
    const { readdirSync, existsSync, readFileSync } = await import('node:fs');
    const bundles = readdirSync(app.outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => `${app.outdir}/${d}`)
      .filter((d) => existsSync(`${d}/console/index.html`));
    expect(bundles).toHaveLength(1);
    const dir = bundles[0] as string;
    expect(existsSync(`${dir}/index.mjs`)).toBe(true);
    expect(readFileSync(`${dir}/console/index.html`, 'utf8')).toMatch(/\/console\/app\.js\?v=[0-9a-f]{12}/);
    expect(readFileSync(`${dir}/console/app.js`, 'utf8').length).toBeGreaterThan(10_000);
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
    expect(env.filter((v) => v.SABA_METRIC_STORE === 'dynamodb').length).toBe(7);
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
      new Set(['O#*', 'ORGS', 'KEY#*', 'P#*', 'N#*']),
    );
    // The checker's, the integrations' and the anomaly training's schedules: no compaction with Timestream.
    expect(
      Object.values(api.findResources('AWS::Scheduler::Schedule')).map(
        (r) => r.Properties.ScheduleExpression,
      ),
    ).toEqual(['rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)']);
    const app = new App({ context: { metricStore: 'timestream' } });
    buildSaba(app);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    const env = Object.values(api.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(env.filter((v) => v.SABA_METRIC_STORE === 'timestream').length).toBe(6);
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
    // Every notification links to the console, served at the API's own address.
    const httpApiId = Object.keys(api.findResources('AWS::ApiGatewayV2::Api'))[0];
    expect(JSON.stringify(notifier.props.Environment.Variables.SABA_CONSOLE_URL)).toContain(httpApiId);
    // Only what opens alerts may queue notifications: ingest and the checker, never the api function.
    for (const producer of ['IngestFunction', 'MonitoringChecker'])
      expect(Object.keys(functionNamed(producer).props.Environment.Variables)).toContain(
        'SABA_NOTIFICATION_QUEUE_URL',
      );
    expect(Object.keys(functionNamed('ApiFunction').props.Environment.Variables)).not.toContain(
      'SABA_NOTIFICATION_QUEUE_URL',
    );
    expect(actionsByFunction(api).ApiFunction).not.toContain('sqs:SendMessage');
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
    expect(alarms).toHaveLength(15);
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
      expect.stringContaining('MonitoringCheckerDeadLetters'),
      expect.stringContaining('CompactionDeadLetters'),
    ]);
    const errors = Object.values(api.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'Errors',
    );
    expect(errors.map((a) => JSON.stringify(a.Properties.Dimensions)).join()).toMatch(/Notifier/);
  });

  it('raises an alarm when a checker run or job skips work or uses more than half its timeout (its EMF metrics)', () => {
    api.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(skipped, 0) + FILL(failures, 0)' }),
        Match.objectLike({
          Id: 'skipped',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'saba', MetricName: 'Skipped' },
            Period: 60,
            Stat: 'Sum',
          }),
        }),
        Match.objectLike({
          Id: 'failures',
          MetricStat: Match.objectLike({ Metric: { Namespace: 'saba', MetricName: 'Failures' } }),
        }),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    api.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'saba',
      MetricName: 'LimitUsedPercent',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('gives the checker’s jobs a queue of their own, one job an invocation, taken by the checker worker', () => {
    const fns = api.findResources('AWS::Lambda::Function');
    const worker = Object.keys(fns).find((id) => id.startsWith('MonitoringCheckerWorkerFunction'));
    const checker = Object.entries(fns).find(([id]) => id.startsWith('MonitoringCheckerFunction'))?.[1];
    expect(worker).toBeDefined();
    expect(fns[worker as string]?.Properties.Timeout).toBe(55);
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringCheckerJobs'), 'Arn'] },
    });
    expect(checker?.Properties.Environment.Variables.SABA_CHECKER_QUEUE_URL.Ref).toMatch(
      /^MonitoringCheckerJobs/,
    );
  });

  it('refuses an alarm address that is not one', () => {
    expect(() => buildSaba(new App({ context: { alarmEmail: 'pager' } }))).toThrow(/alarmEmail/);
  });
});

describe('every setting: forwarding, archive, custom domain, throttling, capacity, and the embeddable construct', () => {
  let data: Template;
  let api: Template;
  const certificateArn =
    'arn:aws:acm:us-east-1:123456789012:certificate/0f3c5d1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f';

  beforeAll(() => {
    const app = new App({
      context: {
        forwardToCloudWatch: JSON.stringify({ metrics: ['loadavg5', 'custom.*'], namespace: 'Acme/Saba' }),
        domainName: 'mackerel.acme.example',
        certificateArn,
        apiRateLimit: 300,
        apiBurstLimit: 100,
        provisionedForHosts: 12000,
      },
    });
    const stacks = buildSaba(app);
    data = Template.fromStack(stacks.data);
    api = Template.fromStack(stacks.api);
  });

  it('forwards through an SQS queue with a dead-letter queue to a function that may only PutMetricData into its namespace', () => {
    const fns = api.findResources('AWS::Lambda::Function');
    const [forwarderId, forwarder] =
      Object.entries(fns).find(([id]) => id.startsWith('ForwarderFunction')) ?? [];
    expect(forwarderId).toBeDefined();
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: forwarderId },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 20,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const rules = JSON.parse(forwarder?.Properties.Environment.Variables.SABA_FORWARD_RULES);
    expect(rules).toMatchObject({ metrics: ['loadavg5', 'custom.*'], namespace: 'Acme/Saba' });
    const ingest = Object.entries(fns).find(([id]) => id.startsWith('IngestFunction'))?.[1];
    expect(ingest?.Properties.Environment.Variables).toMatchObject({
      SABA_FORWARD_RULES: expect.any(String),
      SABA_FORWARD_QUEUE_URL: expect.anything(),
    });
    const statements = statementsByFunction(api).Forwarder ?? [];
    const put = statements.find((s) => s.Action === 'cloudwatch:PutMetricData');
    expect(put?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'Acme/Saba' } });
    expect(statements.flatMap((s) => [s.Action].flat()).some((a) => a.startsWith('dynamodb:'))).toBe(false);
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.AlarmDescription)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Forwarder function failed/),
        expect.stringMatching(/Forwarding messages gave up/),
      ]),
    );
  });

  it('packs day items into a Standard-IA archive table that only compaction writes and reads query', () => {
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ TableClass: 'STANDARD_INFREQUENT_ACCESS' })],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    const archive = /MetricsArchive/;
    expect(leadingKeys(api, 'CompactionWorker', archive)).toEqual(['D#*']);
    expect(leadingKeys(api, 'ApiFunction', archive)).toEqual(['D#*']);
    expect(leadingKeys(api, 'IngestFunction', archive)).toEqual([]);
  });

  it('sizes the metric table with provisioned capacity and auto scaling when asked', () => {
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: {
        WriteCapacityAutoScalingSettings: Match.objectLike({
          MinCapacity: 250, // 12,000 agents × 1.25 write units a minute
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 80 },
        }),
      },
    });
  });

  it('serves the API on the custom domain with the throttling asked for, and logs access cheaply', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'mackerel.acme.example',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificateArn })],
    });
    api.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    // Notifications link to the console on the custom domain.
    const fns = Object.entries(api.findResources('AWS::Lambda::Function'));
    const notifier = fns.find(([id]) => id.startsWith('MonitoringNotifier'))?.[1];
    expect(notifier?.Properties.Environment.Variables.SABA_CONSOLE_URL).toBe('https://mackerel.acme.example');
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 300, ThrottlingBurstLimit: 100 }),
    });
    api.hasOutput('ApiBase', { Value: 'https://mackerel.acme.example' });
    api.hasOutput('DomainTarget', { Value: Match.anyValue() });
    api.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupClass: 'INFREQUENT_ACCESS' });
  });

  it('drops into an existing app as one construct, tables and all, and passes cdk-nag there', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform');
    const saba = new Saba(stack, 'Monitoring', {
      senderEmail: 'alerts@acme.example',
      forwardToCloudWatch: 'loadavg*',
    });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(3);
    expect(saba.settings).toMatchObject({
      metricStore: 'dynamodb',
      retentionDays: 460,
      connectivityTimeoutSeconds: 150,
      throttle: { rateLimit: 5000, burstLimit: 2000 },
      forwardToCloudWatch: {
        metrics: ['loadavg*'],
        namespace: 'Saba',
        dimensions: ['HostId', 'HostName', 'Service', 'Role'],
      },
    });
    expect(Object.keys(t.findOutputs('*')).some((k) => k.includes('EntityTableName'))).toBe(true);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('refuses settings that cannot work, naming the setting', () => {
    const build = (props: SabaProps) => () => new Saba(new Stack(new App(), 'S'), 'Saba', props);
    expect(build({ retentionDays: 0 })).toThrow(/retentionDays/);
    expect(build({ connectivityTimeoutSeconds: 30 })).toThrow(/connectivityTimeoutSeconds/);
    expect(build({ metricStore: 'influx' as never })).toThrow(/metricStore/);
    expect(build({ forwardToCloudWatch: 'cpu user' })).toThrow(/forwardToCloudWatch: metrics/);
    expect(build({ forwardToCloudWatch: { metrics: ['x'], namespace: 'AWS/EC2' } })).toThrow(/reserved/);
    expect(build({ forwardToCloudWatch: { metrics: ['x'], dimensions: ['Region' as never] } })).toThrow(
      /dimensions/,
    );
    expect(build({ domain: { domainName: 'mackerel.acme.example', certificateArn: 'arn:nope' } })).toThrow(
      /certificateArn/,
    );
    expect(build({ throttle: { rateLimit: 0 } })).toThrow(/throttle.rateLimit/);
    expect(build({ metricStore: 'timestream', provisionedForHosts: 10 })).toThrow(/provisionedForHosts/);
    expect(() => buildSaba(new App({ context: { domainName: 'mackerel.acme.example' } }))).toThrow(
      /certificateArn/,
    );
  });
});

describe('the other front doors: a function URL, a load balancer', () => {
  const certificateArn =
    'arn:aws:acm:us-east-1:123456789012:certificate/0f3c5d1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f';
  const synth = (context: Record<string, unknown>) => {
    const app = new App({ context });
    const t = Template.fromStack(buildSaba(app).api);
    return { app, t };
  };
  const fnIds = (t: Template) => Object.keys(t.findResources('AWS::Lambda::Function'));
  let url: ReturnType<typeof synth>;
  let alb: ReturnType<typeof synth>;
  beforeAll(() => {
    url = synth({ ingress: 'function-url' });
    alb = synth({
      ingress: 'alb',
      domainName: 'mackerel.acme.example',
      certificateArn,
      reservedConcurrency: 300,
    });
  });

  it('puts every route in one function behind a function URL with no IAM auth, throttled by its reserved concurrency', () => {
    const { t } = url;
    expect(t.findResources('AWS::ApiGatewayV2::Api')).toEqual({});
    const ids = fnIds(t);
    expect(ids.some((id) => /^(ApiFunction|IngestFunction)/.test(id))).toBe(false);
    const http = ids.find((id) => id.startsWith('HttpFunction')) as string;
    t.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: { 'Fn::GetAtt': [http, 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 100,
      TracingConfig: { Mode: 'PassThrough' },
      Environment: {
        Variables: Match.objectLike({
          SABA_LOG_LEVEL: 'warn',
          SABA_NOTIFICATION_QUEUE_URL: Match.anyValue(),
        }),
      },
    });
    // Lambda's two permissions for a public function URL (since October 2025 both are needed).
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
      FunctionName: { 'Fn::GetAtt': [http, 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
    });
    // Its access lines go to an Infrequent Access log group, as the HTTP API's do.
    const logGroup = t.findResources('AWS::Lambda::Function')[http]?.Properties.LoggingConfig.LogGroup.Ref;
    expect(t.findResources('AWS::Logs::LogGroup')[logGroup]?.Properties.LogGroupClass).toBe(
      'INFREQUENT_ACCESS',
    );
    t.hasOutput('ApiBase', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });

  it('grants the one function both the api’s and ingest’s access, and alarms on its errors and throttles', () => {
    const { t } = url;
    expect(new Set(leadingKeys(t, 'HttpFunction', /Entities/))).toEqual(new Set(['O#*', 'ORGS', 'KEY#*']));
    // The metric table: what the api reads and ingest writes, together.
    expect(new Set(leadingKeys(t, 'HttpFunction', /Metrics(?!Archive)/))).toEqual(
      new Set(['M#*', 'P#*', 'N#*', 'R#*', 'D#*']),
    );
    const actions = actionsByFunction(t).HttpFunction ?? [];
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'sqs:SendMessage',
      ]),
    );
    const descriptions = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmDescription,
    );
    expect(descriptions).toEqual(
      expect.arrayContaining([expect.stringMatching(/Http function is throttled/)]),
    );
    expect(descriptions).toHaveLength(13);
  });

  it('puts a load balancer on the custom domain: HTTPS only, a Lambda target group with multi-value headers, no NAT', () => {
    const { t } = alb;
    expect(t.findResources('AWS::ApiGatewayV2::Api')).toEqual({});
    const http = fnIds(t).find((id) => id.startsWith('HttpFunction')) as string;
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 300 });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: certificateArn }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      Targets: [{ Id: { 'Fn::GetAtt': [http, 'Arn'] } }],
      TargetGroupAttributes: Match.arrayWith([{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]),
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'elasticloadbalancing.amazonaws.com',
    });
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.hasOutput('ApiBase', { Value: 'https://mackerel.acme.example' });
    const target = Object.values(t.findOutputs('*')).find(
      (o) => /DomainTarget/.test(JSON.stringify(o)) || o.Description?.includes('Point mackerel'),
    );
    expect(JSON.stringify(target?.Value)).toContain('DNSName');
  });

  it('passes cdk-nag with either', () => {
    for (const { app } of [url, alb])
      expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('refuses ingress settings that cannot work, naming the setting', () => {
    const build = (props: SabaProps) => () => new Saba(new Stack(new App(), 'S'), 'Saba', props);
    expect(build({ ingress: 'nginx' as never })).toThrow(/ingress must be one of/);
    expect(build({ ingress: 'function-url', throttle: { rateLimit: 10 } })).toThrow(
      /throttle.*reservedConcurrency/,
    );
    expect(build({ reservedConcurrency: 10 })).toThrow(/reservedConcurrency/);
    expect(
      build({ ingress: 'function-url', domain: { domainName: 'mackerel.acme.example', certificateArn } }),
    ).toThrow(/function URL has no custom domain/);
    expect(build({ ingress: 'alb' })).toThrow(/ingress alb needs domain/);
    expect(
      build({ ingress: 'alb', reservedConcurrency: 0, domain: { domainName: 'a.example', certificateArn } }),
    ).toThrow(/reservedConcurrency/);
  });
});
