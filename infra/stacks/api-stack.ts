import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { SabaHttpApi } from '../constructs/http-api.ts';
import { SabaFunction } from '../constructs/saba-function.ts';

export interface SabaApiStackProps extends StackProps {
  entities: ITableV2;
}

/** Stateless: the functions and the HTTP API in front of them. */
export class SabaApiStack extends Stack {
  readonly httpApi: SabaHttpApi;

  constructor(scope: Construct, id: string, props: SabaApiStackProps) {
    super(scope, id, props);
    const authorizer = new SabaFunction(this, 'Authorizer', {
      entry: 'authorizer',
      description: 'X-Api-Key to organization and permission',
      memorySize: 256,
      timeout: undefined,
    }).bindTable(props.entities, 'read-keys');
    const api = new SabaFunction(this, 'ApiFunction', {
      entry: 'api',
      description: 'Mackerel API v0: hosts, services, roles, metadata',
    }).bindTable(props.entities, 'read-write');

    this.httpApi = new SabaHttpApi(this, 'Http', {
      functions: { api: api.fn, ingest: api.fn },
      authorizer: authorizer.fn,
    });
    new CfnOutput(this, 'ApiBase', {
      value: this.httpApi.api.apiEndpoint,
      description: 'apibase for mackerel-agent.conf and mkr',
    });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The AWS managed basic execution role only lets a function write its own logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource narrower than *.',
      },
    );
  }
}
