/**
 * An IAM policy evaluator for the subset of IAM saba's templates use, written for the harness
 * (the ready-made `@cloud-copilot/iam-simulate` is AGPL-3.0): Allow and Deny statements, `Action`/
 * `NotAction` and `Resource` with `*` and `?` wildcards, and the condition operators below, with
 * the `ForAllValues:`/`ForAnyValue:` set qualifiers and `IfExists`. An explicit Deny wins, then any
 * Allow, else the call is implicitly denied. An operator outside the subset throws: nothing is
 * allowed by a rule the evaluator does not understand.
 */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface Request {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export type Decision = 'allowed' | 'implicitly denied' | 'explicitly denied';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard match: `*` any run of characters, `?` one. */
export function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
}

const OPERATORS: Record<string, (wanted: string, given: string) => boolean> = {
  StringEquals: (w, g) => w === g,
  StringNotEquals: (w, g) => w !== g,
  StringEqualsIgnoreCase: (w, g) => w.toLowerCase() === g.toLowerCase(),
  StringLike: (w, g) => wildcard(w, g),
  StringNotLike: (w, g) => !wildcard(w, g),
  ArnEquals: (w, g) => w === g,
  ArnLike: (w, g) => wildcard(w, g),
  Bool: (w, g) => w.toLowerCase() === g.toLowerCase(),
};
const NEGATED = new Set(['StringNotEquals', 'StringNotLike']);

function conditionHolds(
  operatorName: string,
  key: string,
  wanted: string[],
  context: Request['context'],
): boolean {
  const [qualifier, rest] = operatorName.includes(':') ? operatorName.split(':') : [undefined, operatorName];
  const ifExists = (rest as string).endsWith('IfExists');
  const name = ifExists ? (rest as string).slice(0, -'IfExists'.length) : (rest as string);
  const op = OPERATORS[name];
  if (!op) throw new Error(`the evaluator does not know the condition operator ${operatorName}`);
  const given = context[key];
  if (given === undefined) return ifExists || qualifier === 'ForAllValues';
  const values = list(given);
  const matches = (g: string) =>
    NEGATED.has(name) ? wanted.every((w) => op(w, g)) : wanted.some((w) => op(w, g));
  if (qualifier === 'ForAllValues') return values.every(matches);
  if (qualifier === 'ForAnyValue') return values.some(matches);
  if (qualifier !== undefined) throw new Error(`the evaluator does not know the set qualifier ${qualifier}`);
  if (values.length !== 1) return false;
  return matches(values[0] as string);
}

function applies(s: Statement, r: Request): boolean {
  const actionMatches = s.NotAction
    ? !list(s.NotAction).some((a) => wildcard(a, r.action, true))
    : list(s.Action).some((a) => wildcard(a, r.action, true));
  if (!actionMatches) return false;
  if (!list(s.Resource).some((p) => wildcard(p, r.resource))) return false;
  return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, wanted]) =>
      conditionHolds(operator, key, list(wanted as string | string[]).map(String), r.context),
    ),
  );
}

export function evaluate(statements: Statement[], r: Request): Decision {
  const matching = statements.filter((s) => applies(s, r));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicitly denied';
  return matching.some((s) => s.Effect === 'Allow') ? 'allowed' : 'implicitly denied';
}

/** The actions a set of statements allows, as written (wildcards left as they are). */
export const allowedActions = (statements: Statement[]): string[] => [
  ...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action))),
];
