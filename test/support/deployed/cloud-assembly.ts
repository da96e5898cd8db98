import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Saba, type SabaProps } from '#infra/saba.ts';
import { buildSaba } from '#infra/saba-app.ts';

/** A CloudFormation template as synthesized: resources, outputs (with exports). */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

/** The synthesized cloud assembly of the standalone app: its stacks in deployment order, and the asset folders. */
export interface CloudAssembly {
  dir: string;
  stacks: { name: string; template: CfnTemplate }[];
  /** Asset hash (the S3 key without `.zip`) → the folder CDK zips and uploads. */
  assets: Map<string, string>;
}

/**
 * What `cdk synth -c name=value …` writes for the standalone app (infra/app.ts): the app built with
 * that context (values as the CLI passes them, strings), bundled by esbuild, synthesized into a
 * fresh folder. The templates and asset folders are read back from that folder, as the CLI's
 * deploy step reads them.
 */
export function synthesize(
  context: Record<string, string>,
  /** Instead of the standalone app: the `Saba` construct with these props in one stack of the user's app. */
  embedded?: SabaProps,
): CloudAssembly {
  const dir = mkdtempSync(join(tmpdir(), 'saba-assembly-'));
  const app = new App({ outdir: dir, context });
  if (embedded) new Saba(new Stack(app, 'AcmeMonitoring'), 'Saba', embedded);
  else buildSaba(app);
  const assembly = app.synth();
  const stacks = assembly.stacksRecursively.map((stack) => ({
    name: stack.stackName,
    template: JSON.parse(readFileSync(join(dir, stack.templateFile), 'utf8')) as CfnTemplate,
  }));
  const assets = new Map<string, string>();
  for (const stack of assembly.stacksRecursively) {
    const manifest = JSON.parse(readFileSync(join(dir, `${stack.stackName}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    for (const [hash, file] of Object.entries(manifest.files))
      if (file.source.packaging === 'zip') assets.set(hash, join(dir, file.source.path));
  }
  return { dir, stacks, assets };
}
