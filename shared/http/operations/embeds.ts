import { embedSchema } from '../../schemas/embeds.ts';
import { parseBody } from '../../schemas/parse.ts';
import { createEmbed, listEmbeds, revokeEmbed } from '../../use-cases/embeds/embeds.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

/** saba's embeddable graphs (not in Mackerel's API): signed links anyone can open, until they expire or are revoked. */
export const embedOperations = {
  createEmbed: async (req, deps) =>
    json(await createEmbed(deps, req.orgId, parseBody(embedSchema, req.body()))),
  listEmbeds: async (req, deps) => json({ embeds: await listEmbeds(deps, req.orgId) }),
  revokeEmbed: async (req, deps) => json(await revokeEmbed(deps, req.orgId, param(req, 'embedId'))),
} satisfies Record<string, Operation>;
