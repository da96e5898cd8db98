import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import type { DynamoCredentials } from '#shared/adapters/dynamodb/client.ts';

export interface EmbeddedDynamo {
  endpoint: string;
  credentials: DynamoCredentials;
  close(): Promise<void>;
}

/** Where a running server tells the admin CLI how to reach its dynalite (LevelDB allows one opener). */
export const endpointFile = (dataDir: string): string => join(dataDir, 'dynamodb.endpoint');
/** The credentials dynalite accepts, made on first start; readable by the data dir's owner only. */
export const credentialsFile = (dataDir: string): string => join(dataDir, 'dynamodb.credentials');

/**
 * Everything under the data dir is its owner's only: files 0600, folders 0700 (keys, hosts and
 * metrics are no one else's business). New files get it from the umask; this fixes older ones.
 */
export function restrictDataDir(dir: string): void {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (path: string) => {
    const stat = statSync(path);
    chmodSync(path, stat.isDirectory() ? 0o700 : 0o600);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}

/** The data dir's dynalite credentials, made once. */
export function localCredentials(dataDir: string): DynamoCredentials {
  const file = credentialsFile(dataDir);
  if (!existsSync(file)) {
    const made = {
      accessKeyId: `SABA${randomBytes(12).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(made), { mode: 0o600, flag: 'wx' });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as DynamoCredentials;
}

/**
 * Requests whose SigV4 credential scope does not name our access key id are refused, as DynamoDB
 * refuses an unknown key. The key id is random and kept in a 0600 file, so only the saba process and
 * the admin CLI of the same user can reach the tables (dynalite itself checks no credentials).
 */
function guard(accessKeyId: string) {
  const expected = Buffer.from(`Credential=${accessKeyId}/`);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const auth = Buffer.from(String(req.headers.authorization ?? ''));
    const at = auth.indexOf('Credential=');
    const given = at >= 0 ? auth.subarray(at, at + expected.length) : Buffer.alloc(0);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' });
    res.end(
      JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }),
    );
    return false;
  };
}

/** dynalite (DynamoDB on LevelDB) on 127.0.0.1, persisted under `<dataDir>/dynamodb`, for our credentials only. */
export async function startEmbeddedDynamo(
  dataDir: string,
  options: { advertise?: boolean } = {},
): Promise<EmbeddedDynamo> {
  restrictDataDir(dataDir);
  const credentials = localCredentials(dataDir);
  const path = join(dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const allowed = guard(credentials.accessKeyId);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (allowed(req, res)) for (const handle of handlers) handle.call(server, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.advertise) writeFileSync(endpointFile(dataDir), endpoint, { mode: 0o600 });
  return {
    endpoint,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        if (options.advertise) rmSync(endpointFile(dataDir), { force: true });
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
