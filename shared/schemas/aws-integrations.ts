import { z } from 'zod';
import { COLLECTED_SERVICES, isAwsServiceId, metricsOf } from '../domain/integrations/aws-catalog.ts';
import { parseTags, ROLE_ARN } from '../domain/integrations/aws-integration.ts';

const metricList = z.array(z.string().min(1).max(255)).max(500).nullish();

const serviceSchema = z.object({
  enable: z.boolean(),
  role: z.string().min(1).max(255).nullish(),
  excludedMetrics: metricList,
  includedMetrics: metricList,
  retireAutomatically: z.boolean().nullish(),
});

const tags = z
  .string()
  .max(4096)
  .nullish()
  .superRefine((t, ctx) => {
    const r = parseTags(t ?? '');
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  });

/**
 * Create and update bodies (client-go's CreateAWSIntegrationParam; Terraform sends every one of
 * Mackerel's services, the disabled ones as `{"enable":false,"role":null,"excludedMetrics":[]}`).
 * `key`/`secretKey` are refused: saba reads AWS with its own role (or one it assumes), and never
 * stores secrets. Update leaves `roleArn`/`externalId` as they were when absent; `null` clears them.
 */
export const awsIntegrationSchema = z
  .object({
    name: z.string().min(1).max(255),
    memo: z.string().max(2048).nullish(),
    key: z.string().nullish(),
    secretKey: z.string().nullish(),
    roleArn: z
      .string()
      .regex(ROLE_ARN, 'must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)')
      .or(z.literal(''))
      .nullish(),
    externalId: z
      .string()
      .max(1224)
      .regex(/^[\w+=,.@:/-]*$/, 'has characters AWS does not allow in an external ID')
      .nullish(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as ap-northeast-1'),
    includedTags: tags,
    excludedTags: tags,
    services: z.record(z.string(), serviceSchema).nullish(),
  })
  .superRefine((b, ctx) => {
    if (b.key || b.secretKey)
      ctx.addIssue({
        code: 'custom',
        path: [b.key ? 'key' : 'secretKey'],
        message:
          'access keys are not accepted: saba reads AWS with its own role, or the role in roleArn. Locally it uses the credentials of its environment (AWS_ACCESS_KEY_ID, AWS_PROFILE).',
      });
    for (const [id, s] of Object.entries(b.services ?? {})) {
      if (!isAwsServiceId(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', id],
          message: `unknown AWS service ${JSON.stringify(id)}`,
        });
        continue;
      }
      if (s.excludedMetrics?.length && s.includedMetrics?.length)
        ctx.addIssue({
          code: 'custom',
          path: ['services', id],
          message: 'give excludedMetrics or includedMetrics, not both',
        });
      if (s.role != null && !/^[^:]+:[^:]+$/.test(s.role))
        ctx.addIssue({
          code: 'custom',
          path: ['services', id, 'role'],
          message: 'must be a role fullname, <service>:<role>',
        });
      // Metric names are checked for the services saba collects; the others' settings are kept as given.
      const collected = COLLECTED_SERVICES.get(id);
      if (!collected) continue;
      const known = new Set(metricsOf(collected).map((m) => m.name));
      for (const field of ['excludedMetrics', 'includedMetrics'] as const) {
        const unknown = (s[field] ?? []).find((m) => !known.has(m));
        if (unknown !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['services', id, field],
            message: `${JSON.stringify(unknown)} is not a metric of ${id} (GET /api/v0/aws-integrations-excludable-metrics lists them)`,
          });
      }
    }
  });
export type AwsIntegrationBody = z.output<typeof awsIntegrationSchema>;
