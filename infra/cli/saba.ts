#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadLocalConfig } from '#shared/config.ts';
import { isHostStatus } from '#shared/domain/host.ts';
import { AUTHORITIES, type Authority } from '#shared/domain/monitoring/user.ts';
import { HttpError } from '#shared/errors.ts';
import { createApiKey, createOrg, updateOrgSettings } from '#shared/use-cases/admin.ts';
import { addUser, listUsers } from '#shared/use-cases/users/users.ts';
import { openAdminTarget } from './admin-target.ts';

const USAGE = `saba — administration (organizations, API keys and users; Mackerel has no API for these)

Usage: saba <command> [options]
  orgs create <name> [--display-name TEXT] [--default-status working|standby|maintenance|poweroff]
  orgs set <name> --retire-silent-after-days N        retire hosts silent N days (0: never, the default)
  orgs set <name> --labeled-series-limit N            at most N OpenTelemetry series (0: the default, 10,000)
  orgs list
  keys create [--org NAME] [--read-only] [--name TEXT]   prints the new key once
  keys list   [--org NAME]
  keys revoke <keyId> [--org NAME]
  users add --email ADDRESS [--org NAME] [--authority owner|manager|collaborator|viewer]
  users list [--org NAME]                                alerts email every user of the organization

Where: --data-dir DIR (local data, default $SABA_DATA_DIR or ./.saba)
       --stack SabaData [--region REGION] (a deployed stack, with your AWS credentials; or --table NAME)
--org defaults to "default".`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    org: { type: 'string', default: 'default' },
    'read-only': { type: 'boolean', default: false },
    name: { type: 'string' },
    'display-name': { type: 'string' },
    email: { type: 'string' },
    authority: { type: 'string', default: 'manager' },
    'default-status': { type: 'string' },
    'retire-silent-after-days': { type: 'string' },
    'labeled-series-limit': { type: 'string' },
    'data-dir': { type: 'string' },
    table: { type: 'string' },
    stack: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [group, action, arg] = positionals;
if (values.help || !group) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

const target = await openAdminTarget({
  dataDir: values['data-dir'] ?? loadLocalConfig().dataDir,
  ...(values.table && { table: values.table }),
  ...(values.stack && { stack: values.stack }),
  ...(values.region && { region: values.region }),
});
const { deps } = target;

async function run(): Promise<number> {
  switch (`${group} ${action}`) {
    case 'orgs create': {
      if (!arg) return usage('orgs create needs a name');
      const status = values['default-status'];
      if (status !== undefined && !isHostStatus(status)) return usage(`invalid --default-status ${status}`);
      const org = await createOrg(deps, arg, {
        ...(values['display-name'] && { displayName: values['display-name'] }),
        ...(status && { defaultHostStatus: status }),
      });
      console.log(`created organization ${org.id}`);
      return 0;
    }
    case 'orgs set': {
      if (!arg) return usage('orgs set needs a name');
      const days = values['retire-silent-after-days'];
      const limit = values['labeled-series-limit'];
      if (
        (days === undefined && limit === undefined) ||
        [days, limit].some((v) => v !== undefined && !/^\d+$/.test(v))
      )
        return usage('orgs set needs --retire-silent-after-days N or --labeled-series-limit N');
      const org = await updateOrgSettings(deps, arg, {
        ...(days !== undefined && { retireSilentHostsAfterDays: Number(days) }),
        ...(limit !== undefined && { labeledSeriesLimit: Number(limit) }),
      });
      if (days !== undefined)
        console.log(
          org.retireSilentHostsAfterDays
            ? `${org.id}: hosts silent ${org.retireSilentHostsAfterDays} days are retired`
            : `${org.id}: silent hosts are never retired`,
        );
      if (limit !== undefined)
        console.log(`${org.id}: at most ${org.labeledSeriesLimit ?? 10_000} labeled series`);
      return 0;
    }
    case 'orgs list':
      for (const org of await deps.entities.orgs.list()) console.log(`${org.id}\t${org.displayName ?? ''}`);
      return 0;
    case 'keys create': {
      const permission = values['read-only'] ? 'read' : 'write';
      const { key, record } = await createApiKey(
        deps,
        values.org,
        permission,
        values.name ?? `${permission} key`,
      );
      console.log(
        `created ${permission} key ${record.keyId} for ${record.orgId}; it is shown only now:\n${key}`,
      );
      return 0;
    }
    case 'keys list':
      for (const k of await deps.entities.apiKeys.list(values.org)) {
        console.log(`${k.keyId}\t${k.permission}\t${new Date(k.createdAt * 1000).toISOString()}\t${k.name}`);
      }
      return 0;
    case 'keys revoke':
      if (!arg) return usage('keys revoke needs a key id (see keys list)');
      if (!(await deps.entities.apiKeys.revoke(values.org, arg))) {
        console.error(`no key ${arg} in organization ${values.org}`);
        return 1;
      }
      console.log(`revoked ${arg}`);
      return 0;
    case 'users add': {
      if (!values.email) return usage('users add needs --email');
      const authority = values.authority as Authority;
      if (!AUTHORITIES.includes(authority)) return usage(`invalid --authority ${values.authority}`);
      const user = await addUser(deps, values.org, values.email, authority);
      console.log(`added ${user.email} (${user.authority}) to ${values.org} as user ${user.id}`);
      return 0;
    }
    case 'users list':
      for (const u of await listUsers(deps, values.org))
        console.log(`${u.id}\t${u.email}\t${u.authority}\t${new Date(u.joinedAt * 1000).toISOString()}`);
      return 0;
    default:
      return usage(`unknown command: ${positionals.join(' ')}`);
  }
}

function usage(problem: string): number {
  console.error(`${problem}\n\n${USAGE}`);
  return 2;
}

let code = 1;
try {
  code = await run();
} catch (err) {
  console.error(err instanceof HttpError ? err.message : err);
} finally {
  await target.close();
}
process.exit(code);
