/**
 * The Node.js runtime inside one harness "container" (a child process started by lambda-service.ts
 * with exactly the function's environment): it loads the handler the way Lambda's Node runtime does
 * (`_HANDLER` = `<file>.<export>` under `LAMBDA_TASK_ROOT`, `.mjs` then `.js` then `.cjs`), once, then
 * runs one invocation at a time as the parent sends them, each with a Lambda context.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
interface Invocation {
  id: string;
  event: unknown;
  deadline: number;
  arn: string;
}

const send = (message: unknown) => process.send?.(message);
const describe = (err: unknown) => ({
  errorType: err instanceof Error ? err.name : 'Error',
  errorMessage: err instanceof Error ? err.message : String(err),
});

async function loadHandler(): Promise<Handler> {
  const root = process.env.LAMBDA_TASK_ROOT as string;
  const spec = process.env._HANDLER as string;
  const dot = spec.lastIndexOf('.');
  const [file, name] = [spec.slice(0, dot), spec.slice(dot + 1)];
  const path = ['.mjs', '.js', '.cjs'].map((ext) => join(root, `${file}${ext}`)).find((p) => existsSync(p));
  if (!path)
    throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const handler = module[name];
  if (typeof handler !== 'function')
    throw Object.assign(new Error(`${spec} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  return handler as Handler;
}

try {
  const handler = await loadHandler();
  process.on('message', async (message: Invocation) => {
    const context = {
      awsRequestId: message.id,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: message.arn,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    // Lambda's Duration (what it bills, rounded up to the millisecond) and the CPU within it.
    const started = performance.now();
    const cpu = process.cpuUsage();
    const spent = () => {
      const used = process.cpuUsage(cpu);
      return { durationMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    try {
      const result = await handler(message.event, context);
      send({ id: message.id, result: result === undefined ? null : result, ...spent() });
    } catch (err) {
      // Lambda's runtime logs the failure as one line, then reports it.
      console.error(
        JSON.stringify({ level: 'ERROR', requestId: message.id, message: 'Invoke Error', ...describe(err) }),
      );
      send({ id: message.id, error: describe(err) });
    }
  });
  send({ ready: true });
} catch (err) {
  console.error(JSON.stringify({ level: 'ERROR', message: 'Init Error', ...describe(err) }));
  send({ initError: describe(err) });
  process.exit(1);
}
