import { randomBytes } from 'node:crypto';
import { epochSeconds } from '../../domain/clock.ts';
import { type Embed, embedWindow, peekEmbed, sameGraph, signEmbed, verifyEmbed } from '../../domain/embed.ts';
import { type MetricOwner, stepFor } from '../../domain/metrics.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import { renderSvgChart, type SvgSeries } from '../../domain/svg-chart.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Deps, EntityDeps } from '../../ports/deps.ts';
import type { EmbedBody } from '../../schemas/embeds.ts';
import { readRoleSeries } from '../metrics/read-metrics.ts';

const YEAR = 366 * 86400;
/** One answer for a forged, altered, expired or revoked link: it tells nothing about the graph. */
const REFUSED = 'This embed link is invalid, expired or revoked.';

/** The organization's signing secret, made on its first embed. */
async function secretOf(deps: EntityDeps, orgId: string): Promise<string> {
  const held = await deps.entities.embedSecrets.get(orgId);
  if (held) return held;
  await deps.entities.embedSecrets.create(orgId, randomBytes(32).toString('base64url'));
  return (await deps.entities.embedSecrets.get(orgId)) as string;
}

async function assertGraphExists(deps: EntityDeps, orgId: string, g: Embed['graph']): Promise<void> {
  if (g.type === 'host') {
    const host = await deps.entities.hosts.get(orgId, g.hostId);
    if (!host || host.isRetired)
      throw new ValidationError(`Host ${JSON.stringify(g.hostId)} does not exist.`);
  } else if (g.type === 'role') {
    const { service, role } = parseRoleFullname(g.roleFullname);
    if (!(await deps.entities.roles.get(orgId, service, role)))
      throw new ValidationError(`Role ${JSON.stringify(g.roleFullname)} does not exist.`);
  } else if (!(await deps.entities.services.get(orgId, g.serviceName)))
    throw new ValidationError(`Service ${JSON.stringify(g.serviceName)} does not exist.`);
}

const urlOf = (token: string) => `/embed/${token}`;

/** `POST /api/v0/embeds`: a signed link to one graph, valid until `expiresAt` (at most a year) or revoked. */
export async function createEmbed(deps: EntityDeps, orgId: string, body: EmbedBody) {
  const now = epochSeconds(deps.clock);
  if (body.expiresAt <= now || body.expiresAt > now + YEAR)
    throw new ValidationError('expiresAt must be in the future, within a year.');
  if (body.range.type === 'absolute' && body.range.from >= body.range.to)
    throw new ValidationError('range.from must be before range.to.');
  await assertGraphExists(deps, orgId, body.graph);
  const embed: Embed = {
    id: deps.newId(),
    title: body.title ?? `${'name' in body.graph ? body.graph.name : ''}`,
    graph: body.graph,
    range: body.range,
    expiresAt: body.expiresAt,
    createdAt: now,
  };
  await deps.entities.embeds.put(orgId, embed);
  const token = signEmbed(await secretOf(deps, orgId), {
    o: orgId,
    i: embed.id,
    g: embed.graph,
    r: embed.range,
    e: embed.expiresAt,
  });
  return { ...embed, url: urlOf(token) };
}

export const listEmbeds = async (deps: EntityDeps, orgId: string) =>
  (await deps.entities.embeds.list(orgId)).sort((a, b) => b.createdAt - a.createdAt);

/** `DELETE /api/v0/embeds/<id>`: the link stops working at once, whatever its expiry. */
export async function revokeEmbed(deps: EntityDeps, orgId: string, id: string): Promise<Embed> {
  const embed = await deps.entities.embeds.get(orgId, id);
  if (!embed || !(await deps.entities.embeds.delete(orgId, id))) throw new NotFoundError('Embed Not Found.');
  return embed;
}

/**
 * `GET /embed/<token>` (no key): the graph as SVG, once the signature holds for the organization's
 * secret, the link has not expired, and the embed still exists with the very series, range and
 * expiry signed. Anything else: 403 with the same message.
 */
export async function renderEmbed(deps: Deps, token: string): Promise<string> {
  const claims = peekEmbed(token);
  const now = epochSeconds(deps.clock);
  if (!claims) throw new ForbiddenError(REFUSED);
  const secret = await deps.entities.embedSecrets.get(claims.o);
  if (!secret || !verifyEmbed(secret, token) || claims.e <= now) throw new ForbiddenError(REFUSED);
  const embed = await deps.entities.embeds.get(claims.o, claims.i);
  if (!embed || !sameGraph(embed, claims)) throw new ForbiddenError(REFUSED);
  const { from, to } = embedWindow(embed.range, now);
  const g = embed.graph;
  let series: SvgSeries[];
  if (g.type === 'role') {
    const { service, role } = parseRoleFullname(g.roleFullname);
    const read = await readRoleSeries(deps, claims.o, service, role, { name: g.name, from, to });
    const names = new Map(read.hosts.map((x) => [x.id, x.displayName || x.name]));
    series = Object.entries(read.series).map(([id, points]) => ({ label: names.get(id) ?? id, points }));
  } else {
    const owner: MetricOwner =
      g.type === 'host' ? { kind: 'host', id: g.hostId } : { kind: 'service', id: g.serviceName };
    series = [
      {
        label: g.name,
        points: await deps.metrics.range(claims.o, owner, g.name, from, to, stepFor(from, to)),
      },
    ];
  }
  return renderSvgChart({ title: embed.title, series, from, to });
}
