import { Construct } from 'constructs';
import {
  DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS,
  DEFAULT_RETENTION_DAYS,
  METRIC_STORES,
  type MetricStoreKind,
} from '#shared/config.ts';
import { type ForwardRules, type ForwardRulesInput, parseForwardRules } from '#shared/domain/forwarding.ts';
import { ROLE_ARN } from '#shared/domain/integrations/aws-integration.ts';
import { INGRESSES, type Ingress } from './constructs/ingress.ts';
import { SabaData } from './constructs/saba-data.ts';
import { SabaServices } from './constructs/saba-services.ts';

/** saba's settings; every one is optional and has the default documented beside it. */
export interface SabaProps {
  /** Where metric points live: `dynamodb` (default) or `timestream` (accounts that still have it). */
  metricStore?: MetricStoreKind;
  /** Days metric points are kept (default 460, as Mackerel), 1 to 3,650. */
  retentionDays?: number;
  /** The SES identity alert emails come from (default `alerts@example.com`: set yours). */
  senderEmail?: string;
  /** Seconds of silence before an agent's host raises a connectivity alert (default 150, at least 60). */
  connectivityTimeoutSeconds?: number;
  /** Where saba's own alarms are emailed (an SNS subscription to confirm); none by default. */
  alarmEmail?: string;
  /**
   * Mirror chosen metrics into CloudWatch (off by default): metric name patterns as a comma-separated
   * string, or the full rules (patterns, hosts, services, roles, namespace, dimensions).
   */
  forwardToCloudWatch?: string | ForwardRulesInput;
  /** A custom domain for the API: its name and an ACM certificate ARN in the stack's region. */
  domain?: { domainName: string; certificateArn: string };
  /** The HTTP API's request rate limit per second (default 5,000) and burst (default 2,000). */
  throttle?: { rateLimit?: number; burstLimit?: number };
  /**
   * The front door (default `http-api`: API Gateway's HTTP API). `function-url`: a Lambda function
   * URL on AWS's own domain, no per-request charge beyond Lambda's, no custom domain. `alb`: an
   * Application Load Balancer for `domain` (required), about $16 a month plus capacity units.
   * Both put every route in one function, throttled by its reserved concurrency; see
   * docs/cost-model.md for which is cheaper at your fleet's size.
   */
  ingress?: Ingress;
  /**
   * Behind a function URL or a load balancer: the HTTP function's reserved concurrency (default
   * 100), its throttle (Lambda answers 429 past it; the agent retries). Reserved from the account's
   * pool, which must keep 100 unreserved.
   */
  reservedConcurrency?: number;
  /**
   * Size the metric table for this many agents with provisioned capacity and auto scaling, instead
   * of on-demand (the default): cheaper for a steady fleet, see docs/cost-model.md.
   */
  provisionedForHosts?: number;
  /**
   * Roles in other accounts that AWS integrations may assume (`roleArn`); none by default: an
   * integration without roleArn reads this account with saba's own read-only role.
   */
  integrationRoleArns?: string[];
  /**
   * Where the tables go (a separate stack you keep, say). Default: inside this construct. The
   * tables are retained whatever happens to their stack.
   */
  dataScope?: Construct;
}

/** The settings after validation, every default filled in. */
export interface SabaSettings {
  metricStore: MetricStoreKind;
  retentionDays: number;
  senderEmail: string;
  connectivityTimeoutSeconds: number;
  alarmEmail?: string;
  forwardToCloudWatch?: ForwardRules;
  domain?: { domainName: string; certificateArn: string };
  throttle: { rateLimit: number; burstLimit: number };
  ingress: Ingress;
  reservedConcurrency: number;
  provisionedForHosts?: number;
  integrationRoleArns: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

function wholeNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
  return value;
}

/** Checks every setting and fills in the defaults; an invalid one throws, naming the setting. */
export function resolveSabaSettings(props: SabaProps = {}): SabaSettings {
  const metricStore = props.metricStore ?? 'dynamodb';
  if (!METRIC_STORES.includes(metricStore))
    throw new Error(`metricStore must be one of ${METRIC_STORES.join(', ')}, not ${metricStore}`);
  const senderEmail = props.senderEmail ?? 'alerts@example.com';
  if (!EMAIL.test(senderEmail)) throw new Error(`senderEmail must be an email address, not ${senderEmail}`);
  if (props.alarmEmail !== undefined && !EMAIL.test(props.alarmEmail))
    throw new Error(`alarmEmail must be an email address, not ${props.alarmEmail}`);
  if (props.domain) {
    if (!DOMAIN.test(props.domain.domainName))
      throw new Error(`domain.domainName must be a DNS name, not ${props.domain.domainName}`);
    if (!CERTIFICATE_ARN.test(props.domain.certificateArn))
      throw new Error(
        `domain.certificateArn must be an ACM certificate ARN, not ${props.domain.certificateArn}`,
      );
  }
  const ingress = props.ingress ?? 'http-api';
  if (!INGRESSES.includes(ingress))
    throw new Error(`ingress must be one of ${INGRESSES.join(', ')}, not ${ingress}`);
  if (ingress !== 'http-api' && props.throttle)
    throw new Error(`throttle sets the HTTP API's stage; with ingress ${ingress} set reservedConcurrency`);
  if (ingress === 'http-api' && props.reservedConcurrency !== undefined)
    throw new Error(
      'reservedConcurrency throttles the function URL or load balancer ingress; the HTTP API has throttle',
    );
  if (ingress === 'function-url' && props.domain)
    throw new Error('a function URL has no custom domain: use ingress alb (or the HTTP API) for domain');
  if (ingress === 'alb' && !props.domain)
    throw new Error('ingress alb needs domain (its name and an ACM certificate for the HTTPS listener)');
  const throttle = {
    rateLimit: props.throttle?.rateLimit ?? 5000,
    burstLimit: props.throttle?.burstLimit ?? 2000,
  };
  wholeNumber('throttle.rateLimit', throttle.rateLimit, 1, 1_000_000);
  wholeNumber('throttle.burstLimit', throttle.burstLimit, 1, 1_000_000);
  const integrationRoleArns = props.integrationRoleArns ?? [];
  const badRole = integrationRoleArns.find((r) => !ROLE_ARN.test(r));
  if (badRole !== undefined) throw new Error(`integrationRoleArns must be IAM role ARNs, not ${badRole}`);
  if (metricStore === 'timestream' && props.provisionedForHosts !== undefined)
    throw new Error('provisionedForHosts sizes the DynamoDB metric table; Timestream has none');
  return {
    metricStore,
    retentionDays: wholeNumber('retentionDays', props.retentionDays ?? DEFAULT_RETENTION_DAYS, 1, 3650),
    senderEmail,
    connectivityTimeoutSeconds: wholeNumber(
      'connectivityTimeoutSeconds',
      props.connectivityTimeoutSeconds ?? DEFAULT_CONNECTIVITY_TIMEOUT_SECONDS,
      60,
      86_400,
    ),
    throttle,
    ingress,
    reservedConcurrency: wholeNumber('reservedConcurrency', props.reservedConcurrency ?? 100, 1, 100_000),
    integrationRoleArns,
    ...(props.alarmEmail !== undefined && { alarmEmail: props.alarmEmail }),
    ...(props.forwardToCloudWatch !== undefined && {
      forwardToCloudWatch: parseForwardRules(props.forwardToCloudWatch),
    }),
    ...(props.domain && { domain: props.domain }),
    ...(props.provisionedForHosts !== undefined && {
      provisionedForHosts: wholeNumber('provisionedForHosts', props.provisionedForHosts, 1, 10_000_000),
    }),
  };
}

/**
 * saba in your CDK app: the tables, the HTTP API and its functions, monitoring and notifications,
 * compaction, saba's own alarms and (opt-in) the CloudWatch forwarder.
 *
 *     new Saba(stack, 'Saba', { senderEmail: 'alerts@example.com', alarmEmail: 'ops@example.com' });
 */
export class Saba extends Construct {
  readonly settings: SabaSettings;
  readonly data: SabaData;
  readonly services: SabaServices;

  constructor(scope: Construct, id: string, props: SabaProps = {}) {
    super(scope, id);
    const settings = resolveSabaSettings(props);
    this.settings = settings;
    // In a scope of their own, the tables are its 'Default' child: their logical ids stay those of
    // the standalone app's data stack, so an upgrade never replaces a retained table.
    this.data = new SabaData(props.dataScope ?? this, props.dataScope ? 'Default' : 'Data', {
      metricStore: settings.metricStore,
      retentionDays: settings.retentionDays,
      ...(settings.provisionedForHosts !== undefined && {
        provisionedForHosts: settings.provisionedForHosts,
      }),
    });
    this.services = new SabaServices(this, 'Default', {
      entities: this.data.entities,
      metrics: this.data.metrics,
      retentionDays: settings.retentionDays,
      senderEmail: settings.senderEmail,
      connectivityTimeoutSeconds: settings.connectivityTimeoutSeconds,
      throttle: settings.throttle,
      ingress: settings.ingress,
      reservedConcurrency: settings.reservedConcurrency,
      integrationRoleArns: settings.integrationRoleArns,
      ...(settings.alarmEmail && { alarmEmail: settings.alarmEmail }),
      ...(settings.forwardToCloudWatch && { forwardToCloudWatch: settings.forwardToCloudWatch }),
      ...(settings.domain && { domain: settings.domain }),
    });
  }
}
