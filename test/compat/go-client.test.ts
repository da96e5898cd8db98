import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server.ts';
import { expectGoSuitePasses } from './go-suite.ts';

/** mackerel-client-go against the local server (test/aws/ runs the same suite against the AWS harness). */
describe('mackerel-client-go against the local server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it('passes the Go compatibility suite', { timeout: 600_000 }, async () => {
    await expectGoSuitePasses(server.url, server.key);
  });
});
