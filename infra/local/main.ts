#!/usr/bin/env node
import { loadLocalConfig } from '#shared/config.ts';
import { stampedStdout } from '#shared/logging.ts';
import { apiKeyFile } from './bootstrap.ts';
import { startLocalRuntime } from './runtime.ts';

/** `npm start`: the local server, until SIGINT or SIGTERM. */
const config = loadLocalConfig();
const runtime = await startLocalRuntime(config, stampedStdout());

const lines = [
  `saba is listening on ${runtime.url}  (data: ${config.dataDir})`,
  '',
  `Console: open ${runtime.url}/ and sign in with your API key.`,
  '',
  'Point mackerel-agent at it in /etc/mackerel-agent/mackerel-agent.conf:',
  `  apibase = "${runtime.url}"`,
  `  apikey = "<your key>"`,
];
if (runtime.firstApiKey) {
  lines.push('', `First start: created organization "default" and a read-write API key (shown once):`);
  lines.push(`  ${runtime.firstApiKey}`, `It is also saved in ${apiKeyFile(config.dataDir)} (mode 0600).`);
} else {
  lines.push(
    '',
    `Your key was saved in ${apiKeyFile(config.dataDir)} on first start; more with: npx saba keys create`,
  );
}
console.log(lines.join('\n'));

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  await runtime.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
