import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFile, endpointFile } from '#infra/local/embedded-dynamodb.ts';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

const clientOf = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

describe('the embedded database and the data dir are the owner’s only', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await clientFor(server, server.key)('POST', '/api/v0/hosts', agentHostBody());
  });
  afterAll(() => server.destroy());

  it('refuses any other credentials, and answers the data dir’s own', async () => {
    const endpoint = readFileSync(endpointFile(server.dataDir), 'utf8').trim();
    for (const credentials of [
      { accessKeyId: 'local', secretAccessKey: 'local' },
      { accessKeyId: 'AKIAANYONE', secretAccessKey: 'x' },
    ]) {
      const stranger = clientOf(endpoint, credentials);
      await expect(stranger.send(new ScanCommand({ TableName: 'saba' }))).rejects.toThrow(
        /security token included in the request is invalid/,
      );
      stranger.destroy();
    }
    const own = clientOf(endpoint, JSON.parse(readFileSync(credentialsFile(server.dataDir), 'utf8')));
    expect((await own.send(new ListTablesCommand({}))).TableNames).toContain('saba');
    own.destroy();
  });

  it('keeps every file 0600 and every folder 0700', () => {
    const loose: string[] = [];
    const walk = (path: string) => {
      const stat = statSync(path);
      if ((stat.mode & 0o077) !== 0) loose.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
      if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(server.dataDir);
    expect(loose).toEqual([]);
    expect(statSync(credentialsFile(server.dataDir)).mode & 0o777).toBe(0o600);
  });
});
