import { randomBytes } from 'node:crypto';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateDatabaseCommand,
  CreateTableCommand as CreateTimestreamTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import type { CfnResource, CfnTemplate } from './cloud-assembly.ts';
import { ACCOUNT, REGION, type Resolver, resolve, resolveString } from './intrinsics.ts';

type Props = Record<string, unknown>;
interface Physical {
  ref: string;
  attrs: Record<string, string>;
}

const suffix = () => randomBytes(6).toString('hex').toUpperCase();
const arn = (service: string, resource: string, region = REGION) =>
  `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

/**
 * The stacks as CloudFormation would deploy them, with moto as the account: a physical name for
 * every resource (generated as CloudFormation does when the template names none), the data
 * resources created in moto from the template's own properties (tables with their keys, billing,
 * class, TTL and point-in-time recovery; queues with their visibility timeout, retention and
 * redrive policy; log groups, Timestream; the alarm topic is only named: nothing publishes to it), and the stacks' exports for `Fn::ImportValue`.
 * Functions, the HTTP API, schedules and event source mappings are run by the harness itself.
 */
export class Deployment {
  readonly #physical = new Map<string, Physical>();
  readonly #exports = new Map<string, string>();
  readonly #clients;
  /** Table name → partition key attribute (for the recorder's `dynamodb:LeadingKeys`). */
  readonly partitionKeys = new Map<string, string>();
  readonly templates = new Map<string, CfnTemplate>();

  /** Where the functions reach AWS: queue URLs point there (the SDK sends SQS calls to the queue's URL). */
  readonly #network: string;

  constructor(motoEndpoint: string, network: string) {
    this.#network = network;
    const config = {
      endpoint: motoEndpoint,
      region: REGION,
      credentials: { accessKeyId: 'deployer', secretAccessKey: 'deployer' },
    };
    this.#clients = {
      dynamodb: new DynamoDBClient(config),
      sqs: new SQSClient(config),
      logs: new CloudWatchLogsClient(config),
      timestream: new TimestreamWriteClient(config),
    };
  }

  resolver(stack: string): Resolver {
    return {
      ref: (id) => this.#physical.get(`${stack}/${id}`)?.ref,
      attr: (id, attribute) => this.#physical.get(`${stack}/${id}`)?.attrs[attribute],
      importValue: (name) => this.#exports.get(name),
    };
  }

  physical(stack: string, id: string): Physical {
    const p = this.#physical.get(`${stack}/${id}`);
    if (!p) throw new Error(`no resource ${stack}/${id}`);
    return p;
  }

  /** Every resource of a type across the deployed stacks, with its stack and resolved properties. */
  resources(type: string): { stack: string; id: string; resource: CfnResource; props: Props }[] {
    const out = [];
    for (const [stack, template] of this.templates)
      for (const [id, resource] of Object.entries(template.Resources))
        if (resource.Type === type)
          out.push({
            stack,
            id,
            resource,
            props: resolve(resource.Properties ?? {}, this.resolver(stack)) as Props,
          });
    return out;
  }

  async deployStack(stack: string, template: CfnTemplate): Promise<void> {
    this.templates.set(stack, template);
    for (const [id, resource] of Object.entries(template.Resources))
      this.#physical.set(`${stack}/${id}`, this.#name(stack, id, resource));
    const r = this.resolver(stack);
    const entries = Object.entries(template.Resources);
    // Queues without a redrive policy first: a queue's dead-letter queue must exist before it.
    const order = (res: CfnResource) =>
      res.Type === 'AWS::SQS::Queue' && res.Properties?.RedrivePolicy ? 1 : 0;
    for (const [id, resource] of entries.sort(([, a], [, b]) => order(a) - order(b)))
      await this.#create(stack, id, resource, resolve(resource.Properties ?? {}, r) as Props);
    for (const output of Object.values(template.Outputs ?? {}))
      if (output.Export)
        this.#exports.set(resolveString(output.Export.Name, r), resolveString(output.Value, r));
  }

  /** The names and attributes CloudFormation would give the resource. */
  #name(stack: string, id: string, resource: CfnResource): Physical {
    const p = resource.Properties ?? {};
    const generated = `${stack}-${id}-${suffix()}`.slice(0, 64);
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const name = (p.TableName as string) ?? generated;
        return { ref: name, attrs: { Arn: arn('dynamodb', `table/${name}`) } };
      }
      case 'AWS::SQS::Queue': {
        const name = (p.QueueName as string) ?? generated.slice(0, 80);
        return {
          ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
          attrs: { Arn: arn('sqs', name), QueueName: name, QueueUrl: '' },
        };
      }
      case 'AWS::Lambda::Function': {
        const name = (p.FunctionName as string) ?? generated;
        return { ref: name, attrs: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::IAM::Role': {
        const name = (p.RoleName as string) ?? generated;
        return {
          ref: name,
          attrs: { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleId: `AROA${suffix()}` },
        };
      }
      case 'AWS::Logs::LogGroup': {
        const name = (p.LogGroupName as string) ?? generated;
        return { ref: name, attrs: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = (p.TopicName as string) ?? generated;
        return { ref: arn('sns', name), attrs: { TopicArn: arn('sns', name), TopicName: name } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const apiId = randomBytes(5).toString('hex');
        return {
          ref: apiId,
          attrs: { ApiEndpoint: `https://${apiId}.execute-api.${REGION}.amazonaws.com`, ApiId: apiId },
        };
      }
      case 'AWS::ApiGatewayV2::DomainName':
        return {
          ref: p.DomainName as string,
          attrs: {
            RegionalDomainName: `d-${randomBytes(5).toString('hex')}.execute-api.${REGION}.amazonaws.com`,
            RegionalHostedZoneId: 'Z1UJRXOUMOOFQ8',
          },
        };
      case 'AWS::Lambda::Url': {
        const urlId = randomBytes(16).toString('hex');
        return {
          ref: arn('lambda', `url/${urlId}`),
          attrs: { FunctionUrl: `https://${urlId}.lambda-url.${REGION}.on.aws/` },
        };
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const name = `${id.slice(0, 20)}-${suffix().slice(0, 6)}`;
        return {
          ref: arn('elasticloadbalancing', `loadbalancer/app/${name}/${randomBytes(8).toString('hex')}`),
          attrs: {
            DNSName: `${name}-${randomBytes(4).readUInt32BE()}.${REGION}.elb.amazonaws.com`,
            CanonicalHostedZoneID: 'Z35SXDOTRQ7X7K',
            LoadBalancerFullName: `app/${name}`,
            LoadBalancerName: name,
          },
        };
      }
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const name = `${id.slice(0, 20)}-${suffix().slice(0, 6)}`;
        const tgArn = arn('elasticloadbalancing', `targetgroup/${name}/${randomBytes(8).toString('hex')}`);
        return {
          ref: tgArn,
          attrs: { TargetGroupArn: tgArn, TargetGroupFullName: `targetgroup/${name}`, TargetGroupName: name },
        };
      }
      case 'AWS::EC2::SecurityGroup':
        return {
          ref: `sg-${randomBytes(8).toString('hex')}`,
          attrs: { GroupId: `sg-${randomBytes(8).toString('hex')}` },
        };
      case 'AWS::Timestream::Database': {
        const name = (p.DatabaseName as string) ?? generated.replace(/[^a-zA-Z0-9_.-]/g, '_');
        return { ref: name, attrs: { Arn: arn('timestream', `database/${name}`) } };
      }
      case 'AWS::Timestream::Table': {
        const name = (p.TableName as string) ?? `Points_${suffix()}`;
        return { ref: name, attrs: { Name: name, Arn: '' } };
      }
      default:
        return { ref: generated, attrs: { Arn: arn('cloudformation', `harness/${id}`) } };
    }
  }

  async #create(stack: string, id: string, resource: CfnResource, p: Props): Promise<void> {
    const me = this.physical(stack, id);
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
        return this.#createTable(me.ref, p);
      case 'AWS::SQS::Queue': {
        const attributes: Record<string, string> = {};
        for (const name of [
          'VisibilityTimeout',
          'MessageRetentionPeriod',
          'DelaySeconds',
          'ReceiveMessageWaitTimeSeconds',
          'MaximumMessageSize',
        ])
          if (p[name] !== undefined) attributes[name] = String(p[name]);
        if (p.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(p.RedrivePolicy);
        if (p.SqsManagedSseEnabled !== undefined)
          attributes.SqsManagedSseEnabled = String(p.SqsManagedSseEnabled);
        const out = await this.#clients.sqs.send(
          new CreateQueueCommand({ QueueName: me.attrs.QueueName, Attributes: attributes }),
        );
        // On AWS a queue URL names SQS's own endpoint; here, the recorder in front of moto.
        me.ref = `${this.#network}${new URL(out.QueueUrl as string).pathname}`;
        me.attrs.QueueUrl = me.ref;
        return;
      }
      case 'AWS::Logs::LogGroup':
        await this.#clients.logs.send(new CreateLogGroupCommand({ logGroupName: me.ref }));
        return;
      case 'AWS::Timestream::Database':
        await this.#clients.timestream.send(new CreateDatabaseCommand({ DatabaseName: me.ref }));
        return;
      case 'AWS::Timestream::Table': {
        const database = p.DatabaseName as string;
        const retention = p.RetentionProperties as Record<string, string> | undefined;
        await this.#clients.timestream.send(
          new CreateTimestreamTableCommand({
            DatabaseName: database,
            TableName: me.ref,
            ...(retention && {
              RetentionProperties: {
                MemoryStoreRetentionPeriodInHours: Number(retention.MemoryStoreRetentionPeriodInHours),
                MagneticStoreRetentionPeriodInDays: Number(retention.MagneticStoreRetentionPeriodInDays),
              },
            }),
          }),
        );
        me.attrs.Arn = arn('timestream', `database/${database}/table/${me.ref}`);
        return;
      }
      default:
    }
  }

  async #createTable(name: string, p: Props): Promise<void> {
    const replica = ((p.Replicas as Props[] | undefined) ?? [])[0] ?? {};
    const provisioned = p.BillingMode === 'PROVISIONED';
    const capacity = (settings: unknown, kind: 'Read' | 'Write') => {
      const s = settings as Record<string, Record<string, number>> | undefined;
      return (
        s?.[`${kind}CapacityAutoScalingSettings`]?.MinCapacity ??
        (s as Record<string, number> | undefined)?.[`${kind}CapacityUnits`]
      );
    };
    const throughput = provisioned
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: capacity(replica.ReadProvisionedThroughputSettings, 'Read') ?? 5,
            WriteCapacityUnits: capacity(p.WriteProvisionedThroughputSettings, 'Write') ?? 5,
          },
        }
      : {};
    const keySchema = p.KeySchema as { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    await this.#clients.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keySchema,
        AttributeDefinitions: p.AttributeDefinitions as never,
        BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
        ...throughput,
        ...(p.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Props[]).map((g) => ({
                IndexName: g.IndexName as string,
                KeySchema: g.KeySchema as never,
                Projection: g.Projection as never,
                ...throughput,
              })),
            }
          : {}),
        ...(replica.TableClass ? { TableClass: replica.TableClass as never } : {}),
        ...(replica.DeletionProtectionEnabled ? { DeletionProtectionEnabled: true } : {}),
      }),
    );
    this.partitionKeys.set(name, keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName as string);
    if (p.TimeToLiveSpecification)
      await this.#clients.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: p.TimeToLiveSpecification as never,
        }),
      );
    const pitr = (replica.PointInTimeRecoverySpecification as Props | undefined)?.PointInTimeRecoveryEnabled;
    if (pitr)
      await this.#clients.dynamodb.send(
        new UpdateContinuousBackupsCommand({
          TableName: name,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
  }
}
