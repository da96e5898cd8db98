import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSaba } from '#infra/saba-app.ts';
import { ROUTES } from '#shared/http/routes.ts';

describe('CDK stacks', () => {
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

  it('gives the authorizer only GetItem, and the api function no Scan', () => {
    const policies = Object.entries(api.findResources('AWS::IAM::Policy'));
    const actionsOf = (prefix: string) =>
      policies
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) =>
          p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
        )
        .filter((a: string) => a.startsWith('dynamodb:'));
    expect(actionsOf('Authorizer')).toEqual(['dynamodb:GetItem']);
    const apiActions = actionsOf('ApiFunction');
    expect(apiActions).toContain('dynamodb:PutItem');
    expect(apiActions).not.toContain('dynamodb:Scan');
    expect(apiActions).not.toContain('dynamodb:*');
  });

  it('logs API access and outputs the apibase', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    expect(Object.keys(api.findOutputs('ApiBase'))).toEqual(['ApiBase']);
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
