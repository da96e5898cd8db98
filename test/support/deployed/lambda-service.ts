import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { REGION } from './intrinsics.ts';

/** A function as the template declares it, with its code resolved to the asset folder CDK uploads. */
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The logical id of its execution role: the principal of every AWS call it makes. */
  role: string;
  /** The unzipped asset: what Lambda puts under /var/task. */
  taskRoot: string;
  handler: string;
  runtime: string;
  /** Exactly `Environment.Variables` of the template, resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  logGroup: string;
  reservedConcurrency?: number;
}

export type Invocation =
  | { ok: true; result: unknown; requestId: string; durationMs?: number; cpuMs?: number }
  | { ok: false; errorType: string; errorMessage: string; requestId: string };

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.ts', import.meta.url));
/** Lambda's default account concurrency is far higher; ten containers are plenty for the tests. */
const DEFAULT_CONCURRENCY = 10;

interface Container {
  proc: ChildProcess;
  ready: Promise<void>;
  /** The request id of the invocation it is running, if any. */
  running?: string;
}

/**
 * One Lambda function run as Lambda runs it, as far as a local process can: each container a Node 24
 * process that loads the bundled handler from the asset once (cold start) and then takes one
 * invocation at a time; the environment is the template's variables plus what Lambda itself sets
 * (region, function name, memory, credentials of the function's role, the log group) and the
 * harness's network (`AWS_ENDPOINT_URL`, its recorder in front of moto). The heap is capped at the
 * template's memory size; an invocation that runs past the template's timeout is killed with its
 * container and fails as `Sandbox.Timedout`; a thrown error fails it with its log line.
 */
export class LambdaFunction {
  readonly logs: string[] = [];
  readonly outcomes: Invocation[] = [];
  readonly #idle: Container[] = [];
  readonly #all = new Set<Container>();
  readonly #pending = new Map<string, (message: Record<string, unknown>) => void>();
  readonly spec: FunctionSpec;
  readonly #network: { endpoint: string };

  constructor(spec: FunctionSpec, network: { endpoint: string }) {
    if (!spec.runtime.startsWith('nodejs24'))
      throw new Error(`${spec.logicalId}: runtime ${spec.runtime}, not Node 24`);
    if (!process.versions.node.startsWith('24.'))
      throw new Error(`the harness runs functions on Node 24; this is Node ${process.versions.node}`);
    this.spec = spec;
    this.#network = network;
  }

  /** The variables a Lambda container has: the template's, then Lambda's own (which a template cannot set). */
  environment(): Record<string, string> {
    const s = this.spec;
    return {
      ...s.environment,
      PATH: '/usr/local/bin:/usr/bin/:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: s.taskRoot,
      _HANDLER: s.handler,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: s.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: s.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: `harness/${randomUUID()}`,
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_ACCESS_KEY_ID: s.role,
      AWS_SECRET_ACCESS_KEY: 'harness',
      AWS_SESSION_TOKEN: 'harness',
      AWS_ENDPOINT_URL: this.#network.endpoint,
    };
  }

  #start(): Container {
    const proc = fork(BOOTSTRAP, [], {
      env: this.environment(),
      execArgv: [`--max-old-space-size=${this.spec.memoryMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      let rest = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        this.logs.push(...lines.filter((l) => l.trim() !== ''));
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      proc.on('message', (message: Record<string, unknown>) => {
        if (message.ready) return resolve();
        if (message.initError) return reject(Object.assign(new Error('init failed'), message.initError));
        this.#pending.get(message.id as string)?.(message);
      });
      proc.once('exit', (code) => reject(new Error(`the container exited during init (${code})`)));
    });
    const container: Container = { proc, ready };
    this.#all.add(container);
    proc.once('exit', (code, signal) => {
      this.#all.delete(container);
      // Only the invocation this container was running dies with it.
      const id = container.running;
      if (id)
        this.#pending.get(id)?.({
          id,
          error: { errorType: 'Runtime.ExitError', errorMessage: `exited with ${code ?? signal}` },
        });
    });
    return container;
  }

  async invoke(event: unknown): Promise<Invocation> {
    const requestId = randomUUID();
    const limit = this.spec.reservedConcurrency ?? DEFAULT_CONCURRENCY;
    if (this.#idle.length === 0 && this.#all.size >= limit) {
      const throttled = {
        ok: false as const,
        errorType: 'TooManyRequestsException',
        errorMessage: 'Rate Exceeded.',
        requestId,
      };
      this.outcomes.push(throttled);
      return throttled;
    }
    const container = this.#idle.pop() ?? this.#start();
    const outcome = await this.#run(container, event, requestId);
    this.outcomes.push(outcome);
    if (outcome.ok || outcome.errorType !== 'Sandbox.Timedout') {
      if (container.proc.exitCode === null && container.proc.signalCode === null) this.#idle.push(container);
    }
    return outcome;
  }

  async #run(container: Container, event: unknown, requestId: string): Promise<Invocation> {
    try {
      await container.ready;
    } catch (err) {
      const e = err as { errorType?: string; errorMessage?: string; message: string };
      return {
        ok: false,
        errorType: e.errorType ?? 'Runtime.ExitError',
        errorMessage: e.errorMessage ?? e.message,
        requestId,
      };
    }
    // Init counts against the first invocation's timeout only in part on AWS; here from after init.
    const deadline = Date.now() + this.spec.timeoutSeconds * 1000;
    return new Promise<Invocation>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        this.logs.push(
          JSON.stringify({
            level: 'ERROR',
            requestId,
            message: `Task timed out after ${this.spec.timeoutSeconds}.00 seconds`,
          }),
        );
        container.proc.kill('SIGKILL');
        resolve({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out', requestId });
      }, deadline - Date.now());
      container.running = requestId;
      this.#pending.set(requestId, (message) => {
        container.running = undefined;
        clearTimeout(timer);
        this.#pending.delete(requestId);
        if (message.error) {
          const e = message.error as { errorType: string; errorMessage: string };
          resolve({ ok: false, errorType: e.errorType, errorMessage: e.errorMessage, requestId });
        } else
          resolve({
            ok: true,
            result: message.result,
            requestId,
            durationMs: message.durationMs as number,
            cpuMs: message.cpuMs as number,
          });
      });
      container.proc.send({ id: requestId, event, deadline, arn: this.spec.arn });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.#all].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
            c.proc.once('exit', () => resolve());
            c.proc.kill('SIGKILL');
          }),
      ),
    );
    this.#idle.length = 0;
  }
}
