import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** Where a running server tells the admin CLI how to reach its dynalite (LevelDB allows one opener). */
export const endpointFile = (dataDir: string): string => join(dataDir, 'dynamodb.endpoint');

/** dynalite (DynamoDB on LevelDB) on 127.0.0.1, persisted under `<dataDir>/dynamodb`. */
export async function startEmbeddedDynamo(
  dataDir: string,
  options: { advertise?: boolean } = {},
): Promise<EmbeddedDynamo> {
  const path = join(dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.advertise) writeFileSync(endpointFile(dataDir), endpoint, { mode: 0o600 });
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (options.advertise) rmSync(endpointFile(dataDir), { force: true });
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
