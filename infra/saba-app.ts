import type { App, StackProps } from 'aws-cdk-lib';
import { SabaApiStack } from './stacks/api-stack.ts';
import { SabaDataStack } from './stacks/data-stack.ts';

/** Both stacks of a deployment; the CDK app and the infra tests build them the same way. */
export function buildSaba(app: App, props: StackProps = {}) {
  const data = new SabaDataStack(app, 'SabaData', props);
  const api = new SabaApiStack(app, 'SabaApi', { ...props, entities: data.entities });
  return { data, api };
}
