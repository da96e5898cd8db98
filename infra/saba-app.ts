import { type App, Stack, type StackProps } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { Saba, type SabaProps } from './saba.ts';

/**
 * The settings the standalone app reads from CDK context (`-c name=value` or cdk.json): the
 * construct's props, with numbers and the custom domain (`domainName` + `certificateArn`) spelled
 * as context values.
 */
export function sabaPropsFromContext(node: Node): SabaProps {
  const text = (name: string) => node.tryGetContext(name) as string | undefined;
  const number = (name: string) => {
    const value = node.tryGetContext(name) as string | number | undefined;
    return value === undefined ? undefined : Number(value);
  };
  const props: SabaProps = {};
  const metricStore = text('metricStore');
  if (metricStore !== undefined) props.metricStore = metricStore as SabaProps['metricStore'] & string;
  const retentionDays = number('retentionDays');
  if (retentionDays !== undefined) props.retentionDays = retentionDays;
  const senderEmail = text('senderEmail');
  if (senderEmail !== undefined) props.senderEmail = senderEmail;
  const timeout = number('connectivityTimeoutSeconds');
  if (timeout !== undefined) props.connectivityTimeoutSeconds = timeout;
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined) props.alarmEmail = alarmEmail;
  const forward = node.tryGetContext('forwardToCloudWatch') as SabaProps['forwardToCloudWatch'];
  if (forward !== undefined) props.forwardToCloudWatch = forward;
  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined))
    throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=…');
  if (domainName !== undefined && certificateArn !== undefined) props.domain = { domainName, certificateArn };
  const rateLimit = number('apiRateLimit');
  const burstLimit = number('apiBurstLimit');
  if (rateLimit !== undefined || burstLimit !== undefined)
    props.throttle = {
      ...(rateLimit !== undefined && { rateLimit }),
      ...(burstLimit !== undefined && { burstLimit }),
    };
  const ingress = text('ingress');
  if (ingress !== undefined) props.ingress = ingress as SabaProps['ingress'] & string;
  const reservedConcurrency = number('reservedConcurrency');
  if (reservedConcurrency !== undefined) props.reservedConcurrency = reservedConcurrency;
  const roles = text('integrationRoleArns');
  if (roles !== undefined)
    props.integrationRoleArns = roles
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
  const provisioned = number('provisionedForHosts');
  if (provisioned !== undefined) props.provisionedForHosts = provisioned;
  return props;
}

/**
 * The standalone app: two stacks built from the `Saba` construct, `SabaData` (the tables, retained)
 * and `SabaApi` (everything else, replaceable). Props given here win over context.
 */
export function buildSaba(app: App, options: SabaProps & StackProps = {}) {
  const { env, description, tags, ...props } = options;
  const stackProps: StackProps = { ...(env && { env }), ...(tags && { tags }) };
  const data = new Stack(app, 'SabaData', {
    ...stackProps,
    description: description ?? 'saba: tables (retained when the stack is deleted)',
  });
  const api = new Stack(app, 'SabaApi', {
    ...stackProps,
    description: description ?? 'saba: Mackerel API v0, monitoring and notifications',
  });
  const saba = new Saba(api, 'Default', { ...sabaPropsFromContext(app.node), ...props, dataScope: data });
  return { data, api, saba };
}
