import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Suppresses cfn-lint checks on one resource, each with the reason it does not apply (cfn-lint reads
 * `Metadata.cfn-lint.config.ignore_checks`). The reasons stay here, in code, beside the resource.
 */
export function lintExceptions(scope: IConstruct, checks: Record<string, string>): void {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource))
    throw new Error(`${scope.node.path} has no CloudFormation resource`);
  const existing =
    (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config
      ?.ignore_checks ?? [];
  resource.addMetadata('cfn-lint', {
    config: { ignore_checks: [...new Set([...existing, ...Object.keys(checks)])] },
  });
}
