import type { AwsCall } from './aws-calls.ts';
import type { Invocation } from './lambda-service.ts';

export interface ScheduleSpec {
  logicalId: string;
  expression: string;
  functionArn: string;
  /** The logical id of the role the schedule invokes with. */
  role: string;
  /** `Target.Input` exactly as the template has it (a JSON string), if any. */
  input?: string;
  retryAttempts: number;
  enabled: boolean;
}

/** Milliseconds from `from` to the next run of a `rate(…)` or `cron(…)` expression (UTC). */
export function nextRunIn(expression: string, from: Date): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 }[
      rate[2] as 'minute'
    ];
    return Number(rate[1]) * unit * 1000;
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new Error(`the harness does not know the schedule ${expression}`);
  const [minute, hour] = [cron[1], cron[2]] as [string, string];
  const fits = (field: string, value: number) =>
    field === '*' || field.split(',').map(Number).includes(value);
  const t = new Date(from);
  t.setUTCSeconds(0, 0);
  for (let i = 0; i < 366 * 24 * 60; i++) {
    t.setUTCMinutes(t.getUTCMinutes() + 1);
    if (fits(minute, t.getUTCMinutes()) && fits(hour, t.getUTCHours())) return t.getTime() - from.getTime();
  }
  throw new Error(`no run of ${expression} within a year`);
}

/**
 * EventBridge Scheduler as the template declares each schedule: at its rate or cron time (when
 * started), or at once with `fire`, it invokes the target function with the role the schedule
 * names (recorded as that role's `lambda:InvokeFunction`, judged by IAM like every call) and the
 * target's `Input`, retrying a failed invocation as many times as the retry policy says.
 */
export class Scheduler {
  #timers: NodeJS.Timeout[] = [];

  readonly schedules: ScheduleSpec[];
  readonly #invoke: (functionArn: string, event: unknown) => Promise<Invocation>;
  readonly #calls: AwsCall[];

  constructor(
    schedules: ScheduleSpec[],
    invoke: (functionArn: string, event: unknown) => Promise<Invocation>,
    calls: AwsCall[],
  ) {
    this.schedules = schedules;
    this.#invoke = invoke;
    this.#calls = calls;
  }

  find(prefix: string): ScheduleSpec {
    const s = this.schedules.find((x) => x.logicalId.includes(prefix));
    if (!s) throw new Error(`no schedule ${prefix}`);
    return s;
  }

  /** One run of the schedule now; the outcome of each attempt. */
  async fire(prefix: string): Promise<Invocation[]> {
    const s = this.find(prefix);
    const attempts: Invocation[] = [];
    for (let attempt = 0; attempt <= s.retryAttempts; attempt++) {
      this.#calls.push({
        principal: s.role,
        action: 'lambda:InvokeFunction',
        resource: s.functionArn,
        context: {},
      });
      const outcome = await this.#invoke(s.functionArn, s.input === undefined ? {} : JSON.parse(s.input));
      attempts.push(outcome);
      if (outcome.ok) break;
    }
    return attempts;
  }

  start(): void {
    for (const s of this.schedules.filter((x) => x.enabled)) {
      const loop = () => {
        this.#timers.push(
          setTimeout(
            () => {
              void this.fire(s.logicalId).finally(loop);
            },
            nextRunIn(s.expression, new Date()),
          ),
        );
      };
      loop();
    }
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}
