import { Duration, Fn, Validations } from 'aws-cdk-lib';
import { FlowLogDestination, FlowLogTrafficType, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerCertificate,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LambdaTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { FunctionUrlAuthType, type IFunction, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What saba's front door is: API Gateway's HTTP API (the default), a Lambda function URL, or a load balancer. */
export const INGRESSES = ['http-api', 'function-url', 'alb'] as const;
export type Ingress = (typeof INGRESSES)[number];

/**
 * A Lambda function URL in front of the HTTP function (every route): HTTPS on AWS's own
 * `*.lambda-url.<region>.on.aws` domain, no charge beyond the function's own. No IAM auth: the
 * function checks `X-Api-Key` as it does behind the HTTP API; the function's reserved concurrency is
 * the throttle (Lambda answers 429 past it).
 */
export class FunctionUrlIngress extends Construct {
  /** The apibase: the URL without its trailing slash. */
  readonly apiBase: string;

  constructor(scope: Construct, id: string, props: { fn: IFunction }) {
    super(scope, id);
    const url = props.fn.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    this.apiBase = `https://${Fn.select(2, Fn.split('/', url.url))}`;
  }
}

/**
 * An Application Load Balancer in front of the HTTP function, for a custom domain with an ACM
 * certificate: HTTPS only (TLS 1.2+), in a VPC of its own with public subnets in two zones and no NAT
 * gateway (the function is not in the VPC; nothing else is). The target group hands the function
 * multi-value headers and query parameters, so repeated query keys survive. Requests and answers
 * through a load balancer to Lambda are limited to 1 MB.
 */
export class LoadBalancerIngress extends Construct {
  readonly loadBalancer: ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: { fn: IFunction; certificateArn: string }) {
    super(scope, id);
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
      // Restricting the default security group takes a custom resource (another function); nothing uses it.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        Rejected: {
          trafficType: FlowLogTrafficType.REJECT,
          destination: FlowLogDestination.toCloudWatchLogs(
            new LogGroup(this, 'RejectedFlows', { retention: RetentionDays.ONE_MONTH }),
          ),
        },
      },
    });
    this.loadBalancer = new ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
      // Longer than the agents' 60 s between posts: each keeps its connection (Go closes idle ones
      // after 90 s), so the balancer bills active connections, not a new TLS connection a post.
      idleTimeout: Duration.seconds(120),
    });
    const targets = new ApplicationTargetGroup(this, 'Targets', {
      targets: [new LambdaTarget(props.fn)],
    });
    targets.setAttribute('lambda.multi_value_headers.enabled', 'true');
    this.loadBalancer.addListener('Https', {
      protocol: ApplicationProtocol.HTTPS,
      port: 443,
      certificates: [ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [targets],
    });
    Validations.of(this.loadBalancer).acknowledge(
      {
        id: 'AwsSolutions-ELB2',
        reason:
          'The function writes the HTTP API’s access line for every request it answers (its own log group); S3 access logs need the stack’s region at synth, and the balancer’s own refusals are in its metrics.',
      },
      {
        id: 'AwsSolutions-EC23',
        reason: 'A public API: agents post from anywhere, on 443 only; the function checks every key.',
      },
    );
  }
}
