import { rmSync } from 'node:fs';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SabaProps } from '#infra/saba.ts';
import { startMoto } from '../moto.ts';
import { AlbFront, type AlbSpec } from './alb-front.ts';
import { type AwsCall, AwsCallRecorder } from './aws-calls.ts';
import { type CloudAssembly, synthesize } from './cloud-assembly.ts';
import { Deployment } from './deployment.ts';
import { FunctionUrlFront, type FunctionUrlSpec } from './function-url-front.ts';
import { HttpApiFront, type HttpApiSpec } from './http-api-front.ts';
import { allowedActions, evaluate, type Statement, wildcard } from './iam-policy.ts';
import { REGION } from './intrinsics.ts';
import { type FunctionSpec, type Invocation, LambdaFunction } from './lambda-service.ts';
import { Scheduler } from './schedules.ts';
import { SqsEventSourceMapping } from './sqs-mappings.ts';

type Props = Record<string, unknown>;
/** `{"Fn::GetAtt": [id, "Arn"]}` or `{"Ref": id}` → id, read from the unresolved template. */
const logicalIdOf = (value: unknown): string => {
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  const id = v['Fn::GetAtt']?.[0] ?? v.Ref;
  if (!id) throw new Error(`not a reference to a resource: ${JSON.stringify(value)}`);
  return id;
};

export interface IamReport {
  calls: number;
  denied: (AwsCall & { decision: string })[];
  /** Per role: actions its policies allow that no call of the run used. */
  unused: Record<string, string[]>;
}

/**
 * The synthesized app run locally as AWS would run it (see DESIGN.md, "How we check it"): the
 * stacks deployed into moto, every function from its bundled asset, the HTTP API front, the
 * schedules and the SQS event source mappings, and every AWS call recorded for IAM.
 */
export class Harness {
  readonly functions = new Map<string, LambdaFunction>();
  readonly mappings: SqsEventSourceMapping[] = [];
  readonly #byArn = new Map<string, LambdaFunction>();
  readonly #policies = new Map<string, Statement[]>();
  readonly #shipped = new Map<string, number>();
  readonly #roles = new Set<string>();
  scheduler!: Scheduler;
  /** The template's front door: the HTTP API, a function URL, or a load balancer. */
  front!: HttpApiFront | FunctionUrlFront | AlbFront;
  recorder!: AwsCallRecorder;
  deployment!: Deployment;
  assembly!: CloudAssembly;
  #moto!: Awaited<ReturnType<typeof startMoto>>;

  get motoEndpoint(): string {
    return this.#moto.endpoint;
  }

  static async deploy(context: Record<string, string>, embedded?: SabaProps): Promise<Harness> {
    const h = new Harness();
    h.assembly = synthesize(context, embedded);
    h.#moto = await startMoto();
    try {
      h.recorder = new AwsCallRecorder(h.#moto.endpoint, {
        partitionKeyOf: (table) => h.deployment.partitionKeys.get(table),
      });
      await h.recorder.start();
      h.deployment = new Deployment(h.#moto.endpoint, h.recorder.endpoint);
      for (const stack of h.assembly.stacks) await h.deployment.deployStack(stack.name, stack.template);
      h.#readPolicies();
      h.#startFunctions();
      await h.#startMappings();
      h.#startScheduler();
      h.front = h.#front();
      await h.front.start();
      return h;
    } catch (err) {
      await h.stop();
      throw err;
    }
  }

  invoke(functionArn: string, event: unknown): Promise<Invocation> {
    const fn = this.#byArn.get(functionArn);
    if (!fn) throw new Error(`no function ${functionArn}`);
    return fn.invoke(event);
  }

  fn(prefix: string): LambdaFunction {
    const found = [...this.functions.entries()].find(([id]) => id.includes(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found[1];
  }

  mapping(prefix: string): SqsEventSourceMapping {
    const m = this.mappings.find((x) => x.spec.logicalId.includes(prefix));
    if (!m) throw new Error(`no event source mapping ${prefix}`);
    return m;
  }

  /** A data resource's physical name (a table's, a queue's URL), by logical id prefix. */
  physical(type: string, prefix: string): { ref: string; attrs: Record<string, string> } {
    const r = this.deployment.resources(type).find((x) => x.id.includes(prefix));
    if (!r) throw new Error(`no ${type} ${prefix}`);
    return this.deployment.physical(r.stack, r.id);
  }

  #startFunctions(): void {
    for (const { stack, id, resource, props } of this.deployment.resources('AWS::Lambda::Function')) {
      const raw = resource.Properties as Props;
      const code = props.Code as { S3Key?: string };
      const hash = code.S3Key?.replace(/\.zip$/, '') ?? '';
      const taskRoot = this.assembly.assets.get(hash);
      if (!taskRoot) throw new Error(`${id}: its code ${code.S3Key} is not an asset of the assembly`);
      const logging = props.LoggingConfig as { LogGroup?: string } | undefined;
      const physical = this.deployment.physical(stack, id);
      const spec: FunctionSpec = {
        logicalId: id,
        name: physical.ref,
        arn: physical.attrs.Arn as string,
        role: logicalIdOf(raw.Role),
        taskRoot,
        handler: props.Handler as string,
        runtime: props.Runtime as string,
        environment: Object.fromEntries(
          Object.entries(((props.Environment as Props | undefined)?.Variables ?? {}) as Props).map(
            ([k, v]) => [k, String(v)],
          ),
        ),
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
        logGroup: logging?.LogGroup ?? `/aws/lambda/${physical.ref}`,
        ...(props.ReservedConcurrentExecutions !== undefined && {
          reservedConcurrency: Number(props.ReservedConcurrentExecutions),
        }),
      };
      const fn = new LambdaFunction(spec, { endpoint: this.recorder.endpoint });
      this.functions.set(id, fn);
      this.#byArn.set(spec.arn, fn);
    }
  }

  async #startMappings(): Promise<void> {
    const admin = new SQSClient({
      endpoint: this.#moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'harness', secretAccessKey: 'harness' },
    });
    const queues = this.deployment.resources('AWS::SQS::Queue');
    for (const { id, props } of this.deployment.resources('AWS::Lambda::EventSourceMapping')) {
      const queueArn = props.EventSourceArn as string;
      const queue = queues.find((q) => this.deployment.physical(q.stack, q.id).attrs.Arn === queueArn);
      if (!queue) throw new Error(`${id}: the event source ${queueArn} is not a queue of the deployment`);
      const fn = [...this.functions.values()].find(
        (f) => f.spec.name === props.FunctionName || f.spec.arn === props.FunctionName,
      );
      if (!fn) throw new Error(`${id}: no function ${props.FunctionName}`);
      const batchSize = Number(props.BatchSize ?? 10);
      const window = Number(props.MaximumBatchingWindowInSeconds ?? 0);
      // What CreateEventSourceMapping itself refuses.
      const visibility = Number(queue.props.VisibilityTimeout ?? 30);
      if (visibility < fn.spec.timeoutSeconds)
        throw new Error(
          `${id}: queue visibility timeout ${visibility} s is less than the function timeout ${fn.spec.timeoutSeconds} s`,
        );
      if (batchSize > 10 && window < 1)
        throw new Error(`${id}: a batch size over 10 needs a batching window of at least 1 s`);
      const mapping = new SqsEventSourceMapping(
        {
          logicalId: id,
          queueArn,
          queueUrl: this.deployment.physical(queue.stack, queue.id).ref,
          functionArn: fn.spec.arn,
          role: fn.spec.role,
          batchSize,
          batchingWindowSeconds: window,
          reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
            'ReportBatchItemFailures',
          ),
          enabled: props.Enabled !== false,
        },
        this.recorder.endpoint,
        (arn, event) => this.invoke(arn, event),
        admin,
      );
      await mapping.start();
      this.mappings.push(mapping);
    }
  }

  #startScheduler(): void {
    const schedules = this.deployment.resources('AWS::Scheduler::Schedule').map(({ id, resource, props }) => {
      const target = props.Target as Props;
      const rawTarget = (resource.Properties as Props).Target as Props;
      return {
        logicalId: id,
        expression: props.ScheduleExpression as string,
        functionArn: target.Arn as string,
        role: logicalIdOf(rawTarget.RoleArn),
        ...(target.Input !== undefined && { input: target.Input as string }),
        retryAttempts: Number((target.RetryPolicy as Props | undefined)?.MaximumRetryAttempts ?? 185),
        enabled: props.State !== 'DISABLED',
      };
    });
    this.scheduler = new Scheduler(schedules, (arn, event) => this.invoke(arn, event), this.recorder.calls);
  }

  /** The HTTP API the template has; else its function URL; else its load balancer. */
  #front(): HttpApiFront | FunctionUrlFront | AlbFront {
    const lambda = { invoke: (arn: string, event: unknown) => this.invoke(arn, event) };
    if (this.deployment.resources('AWS::ApiGatewayV2::Api').length > 0)
      return new HttpApiFront(this.#httpApiSpec(), lambda);
    if (this.deployment.resources('AWS::Lambda::Url').length > 0)
      return new FunctionUrlFront(this.#functionUrlSpec(), lambda);
    if (this.deployment.resources('AWS::ElasticLoadBalancingV2::LoadBalancer').length > 0)
      return new AlbFront(this.#albSpec(), lambda);
    throw new Error('the template has no front door (HTTP API, function URL or load balancer)');
  }

  /** The HTTP API front, for the tests that read its access log and invocations. */
  get httpApi(): HttpApiFront {
    if (!(this.front instanceof HttpApiFront)) throw new Error('this deployment has no HTTP API');
    return this.front;
  }

  /** Every AWS::Lambda::Permission, its function named by ARN. */
  #permissions() {
    return this.deployment.resources('AWS::Lambda::Permission').map(({ props }) => {
      const fnRef = props.FunctionName as string;
      const fn = [...this.functions.values()].find((f) => f.spec.arn === fnRef || f.spec.name === fnRef);
      return {
        functionArn: fn?.spec.arn ?? fnRef,
        action: props.Action as string,
        principal: props.Principal as string,
        ...(props.SourceArn !== undefined && { sourceArn: props.SourceArn as string }),
        ...(props.FunctionUrlAuthType !== undefined && {
          functionUrlAuthType: props.FunctionUrlAuthType as string,
        }),
        ...(props.InvokedViaFunctionUrl !== undefined && {
          invokedViaFunctionUrl:
            props.InvokedViaFunctionUrl === true || props.InvokedViaFunctionUrl === 'true',
        }),
      };
    });
  }

  #functionUrlSpec(): FunctionUrlSpec {
    const [url, ...more] = this.deployment.resources('AWS::Lambda::Url');
    if (!url || more.length > 0) throw new Error('the harness runs exactly one function URL');
    if (url.props.Qualifier !== undefined) throw new Error('function URLs on aliases are not modelled');
    const address = this.deployment.physical(url.stack, url.id).attrs.FunctionUrl as string;
    return {
      urlId: new URL(address).hostname.split('.')[0] as string,
      functionArn: url.props.TargetFunctionArn as string,
      authType: url.props.AuthType as string,
      permissions: this.#permissions(),
    };
  }

  #albSpec(): AlbSpec {
    const [listener, ...more] = this.deployment.resources('AWS::ElasticLoadBalancingV2::Listener');
    if (!listener || more.length > 0) throw new Error('the harness runs exactly one listener');
    if (this.deployment.resources('AWS::ElasticLoadBalancingV2::ListenerRule').length > 0)
      throw new Error('listener rules are not modelled (saba forwards everything to one target group)');
    const actions = listener.props.DefaultActions as { Type: string; TargetGroupArn?: string }[];
    const forward = actions.find((a) => a.Type === 'forward');
    if (!forward || actions.length !== 1) throw new Error('the listener must forward to one target group');
    const group = this.deployment
      .resources('AWS::ElasticLoadBalancingV2::TargetGroup')
      .find((g) => this.deployment.physical(g.stack, g.id).ref === forward.TargetGroupArn);
    if (!group) throw new Error(`no target group ${forward.TargetGroupArn}`);
    if (group.props.TargetType !== 'lambda') throw new Error('only Lambda target groups are modelled');
    const [target, ...others] = (group.props.Targets as { Id: string }[] | undefined) ?? [];
    if (!target || others.length > 0) throw new Error('a Lambda target group has exactly one function');
    const attributes =
      (group.props.TargetGroupAttributes as { Key: string; Value: string }[] | undefined) ?? [];
    return {
      listener: {
        protocol: listener.props.Protocol as string,
        port: Number(listener.props.Port),
        certificateArns: (
          (listener.props.Certificates as { CertificateArn: string }[] | undefined) ?? []
        ).map((c) => c.CertificateArn),
      },
      targetGroup: {
        arn: forward.TargetGroupArn as string,
        functionArn: target.Id,
        multiValueHeaders: attributes.some(
          (a) => a.Key === 'lambda.multi_value_headers.enabled' && a.Value === 'true',
        ),
      },
      permissions: this.#permissions(),
    };
  }

  #httpApiSpec(): HttpApiSpec {
    const [api, ...more] = this.deployment.resources('AWS::ApiGatewayV2::Api');
    if (!api || more.length > 0) throw new Error('the harness runs exactly one HTTP API');
    if (api.props.ProtocolType !== 'HTTP') throw new Error('not an HTTP API');
    if (this.deployment.resources('AWS::ApiGatewayV2::Authorizer').length > 0)
      throw new Error(
        'the template has an API Gateway authorizer; the harness does not model one (saba has none)',
      );
    const apiId = this.deployment.physical(api.stack, api.id).ref;
    const integrations = new Map<
      string,
      { functionArn: string; payloadFormatVersion: string; timeoutMs: number }
    >();
    for (const { stack, id, props } of this.deployment.resources('AWS::ApiGatewayV2::Integration')) {
      if (props.IntegrationType !== 'AWS_PROXY')
        throw new Error(`${id}: only Lambda proxy integrations are modelled`);
      if (props.PayloadFormatVersion !== '2.0')
        throw new Error(`${id}: payload format ${props.PayloadFormatVersion}`);
      integrations.set(this.deployment.physical(stack, id).ref, {
        functionArn: props.IntegrationUri as string,
        payloadFormatVersion: '2.0',
        timeoutMs: Number(props.TimeoutInMillis ?? 30_000),
      });
    }
    const routes = this.deployment.resources('AWS::ApiGatewayV2::Route').map(({ props }) => ({
      routeKey: props.RouteKey as string,
      integration: String(props.Target).replace(/^integrations\//, ''),
      authorizationType: (props.AuthorizationType as string | undefined) ?? 'NONE',
    }));
    const [stage] = this.deployment.resources('AWS::ApiGatewayV2::Stage');
    if (!stage) throw new Error('the HTTP API has no stage');
    const routeSettings = stage.props.DefaultRouteSettings as Props | undefined;
    const accessLog = stage.props.AccessLogSettings as Props | undefined;
    return {
      apiId,
      routes,
      integrations,
      stage: {
        name: stage.props.StageName as string,
        ...(routeSettings?.ThrottlingRateLimit !== undefined && {
          rateLimit: Number(routeSettings.ThrottlingRateLimit),
        }),
        ...(routeSettings?.ThrottlingBurstLimit !== undefined && {
          burstLimit: Number(routeSettings.ThrottlingBurstLimit),
        }),
        ...(accessLog?.Format !== undefined && { accessLogFormat: accessLog.Format as string }),
      },
      permissions: this.#permissions(),
      domains: this.deployment
        .resources('AWS::ApiGatewayV2::DomainName')
        .map(({ props }) => props.DomainName as string),
    };
  }

  #readPolicies(): void {
    for (const { resource, props } of this.deployment.resources('AWS::IAM::Policy')) {
      const statements = ((props.PolicyDocument as Props).Statement ?? []) as Statement[];
      for (const role of ((resource.Properties as Props).Roles as unknown[]) ?? []) {
        const id = logicalIdOf(role);
        this.#policies.set(id, [...(this.#policies.get(id) ?? []), ...statements]);
      }
    }
    for (const { id, props } of this.deployment.resources('AWS::IAM::Role')) {
      this.#roles.add(id);
      if (props.ManagedPolicyArns) throw new Error(`${id}: managed policies are not modelled`);
      for (const policy of (props.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ??
        [])
        this.#policies.set(id, [...(this.#policies.get(id) ?? []), ...policy.PolicyDocument.Statement]);
    }
  }

  /**
   * Ships each function's log lines to its log group in moto, as Lambda does with the function's
   * role (CreateLogStream once, PutLogEvents): those calls are judged by IAM like every other.
   */
  async shipLogs(): Promise<void> {
    for (const fn of this.functions.values()) {
      const from = this.#shipped.get(fn.spec.logicalId) ?? -1;
      const lines = fn.logs.slice(from === -1 ? 0 : from);
      if (lines.length === 0 && from !== -1) continue;
      const logs = new CloudWatchLogsClient({
        endpoint: this.recorder.endpoint,
        region: REGION,
        credentials: { accessKeyId: fn.spec.role, secretAccessKey: 'harness' },
      });
      const logStreamName = 'harness';
      if (from === -1)
        await logs.send(new CreateLogStreamCommand({ logGroupName: fn.spec.logGroup, logStreamName }));
      if (lines.length > 0)
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: fn.spec.logGroup,
            logStreamName,
            logEvents: lines.map((message) => ({ timestamp: Date.now(), message })),
          }),
        );
      this.#shipped.set(fn.spec.logicalId, fn.logs.length);
    }
  }

  statements(role: string): Statement[] {
    return this.#policies.get(role) ?? [];
  }

  /** Every recorded call judged against its role's policies, and the allowed actions no call used. */
  iamReport(): IamReport {
    // The calls of the deployment's roles; the operator's and the harness's own are not judged.
    const calls = this.recorder.calls.filter((c) => this.#roles.has(c.principal));
    const denied = calls
      .map((c) => ({ ...c, decision: evaluate(this.statements(c.principal), c) }))
      .filter((c) => c.decision !== 'allowed');
    const unused: Record<string, string[]> = {};
    for (const [role, statements] of this.#policies) {
      const used = calls.filter((c) => c.principal === role).map((c) => c.action);
      const left = allowedActions(statements).filter((a) => !used.some((u) => wildcard(a, u, true)));
      if (left.length > 0) unused[role] = left;
    }
    return { calls: calls.length, denied, unused };
  }

  async stop(): Promise<void> {
    this.scheduler?.stop();
    await Promise.all(this.mappings.map((m) => m.stop()));
    await this.front?.stop();
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
    await this.recorder?.stop();
    await this.#moto?.stop();
    if (this.assembly) rmSync(this.assembly.dir, { recursive: true, force: true });
  }
}
