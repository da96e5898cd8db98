import { excludableMetrics } from '../../domain/integrations/aws-catalog.ts';
import { toApiIntegration } from '../../domain/integrations/aws-integration.ts';
import { awsIntegrationSchema } from '../../schemas/aws-integrations.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  createAwsIntegration,
  deleteAwsIntegration,
  getAwsIntegration,
  issueExternalId,
  listAwsIntegrations,
  updateAwsIntegration,
} from '../../use-cases/integrations/aws-integrations.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const integrationOperations = {
  listAwsIntegrations: async (req, deps) =>
    json({ aws_integrations: (await listAwsIntegrations(deps, req.orgId)).map(toApiIntegration) }),
  getAwsIntegration: async (req, deps) =>
    json(toApiIntegration(await getAwsIntegration(deps, req.orgId, param(req, 'integrationId')))),
  createAwsIntegration: async (req, deps) =>
    json(
      toApiIntegration(
        await createAwsIntegration(deps, req.orgId, parseBody(awsIntegrationSchema, req.body())),
      ),
    ),
  updateAwsIntegration: async (req, deps) =>
    json(
      toApiIntegration(
        await updateAwsIntegration(
          deps,
          req.orgId,
          param(req, 'integrationId'),
          parseBody(awsIntegrationSchema, req.body()),
        ),
      ),
    ),
  deleteAwsIntegration: async (req, deps) =>
    json(toApiIntegration(await deleteAwsIntegration(deps, req.orgId, param(req, 'integrationId')))),
  /** client-go posts no body at all. */
  createAwsExternalId: async (req, deps) => json({ externalId: await issueExternalId(deps, req.orgId) }),
  listAwsExcludableMetrics: async () => json(excludableMetrics()),
} satisfies Record<string, Operation>;
