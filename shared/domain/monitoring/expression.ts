/**
 * Expression monitors: a small language over metric series, as Mackerel's expression graphs write it.
 *   host("<hostId>", "<metric>")    service("<service>", "<metric>")    role("<svc:role>", "<metric>")
 *   avg(…) sum(…) max(…) min(…)     group(a, b, …)   scale(x, k)  offset(x, k)  divide(a, b)
 *   numbers, + - * /, parentheses; roleSlots is role. Strings take single or double quotes.
 * Series are minute-aligned; arithmetic works point by point on the minutes both sides have.
 */

export type SeriesRef =
  | { kind: 'host'; hostId: string; metric: string }
  | { kind: 'service'; service: string; metric: string }
  | { kind: 'role'; fullname: string; metric: string };

type Node =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'ref'; ref: SeriesRef }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Node; b: Node }
  | { t: 'neg'; a: Node };

export class ExpressionError extends Error {}

const MAX_LENGTH = 4096;
const MAX_DEPTH = 32;
const MAX_REFS = 64;
const AGGREGATES = new Set(['avg', 'sum', 'max', 'min']);
const FUNCTIONS = new Set([
  ...AGGREGATES,
  'group',
  'scale',
  'offset',
  'divide',
  'host',
  'service',
  'role',
  'roleSlots',
]);

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  // A number; a quoted string; a bare word (a function name, or an argument as Mackerel writes them
  // unquoted: host ids, metric names with wildcards, service:role); an operator.
  const re =
    /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z0-9_.:%#]))|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z0-9_%#][A-Za-z0-9_.:%#*-]*)|([-+*/(),]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m)
      throw new ExpressionError(
        `unexpected character at ${pos + 1}: ${JSON.stringify(src.slice(pos).trim()[0])}`,
      );
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
    pos = re.lastIndex;
  }
  return tokens;
}

export interface ParsedExpression {
  root: Node;
  refs: SeriesRef[];
}

export function parseExpression(src: string): ParsedExpression {
  if (src.length > MAX_LENGTH) throw new ExpressionError(`longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(src);
  const refs: SeriesRef[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const tok = tokens[i++];
    if (tok === undefined) throw new ExpressionError('unexpected end of expression');
    if (expected !== undefined && tok !== expected)
      throw new ExpressionError(`expected ${JSON.stringify(expected)}, found ${JSON.stringify(tok)}`);
    return tok;
  };
  const expr = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExpressionError(`nested deeper than ${MAX_DEPTH}`);
    let a = term(depth);
    while (peek() === '+' || peek() === '-') a = { t: 'bin', op: take() as '+' | '-', a, b: term(depth) };
    return a;
  };
  const term = (depth: number): Node => {
    let a = factor(depth);
    while (peek() === '*' || peek() === '/') a = { t: 'bin', op: take() as '*' | '/', a, b: factor(depth) };
    return a;
  };
  const factor = (depth: number): Node => {
    const tok = take();
    if (tok === '-') return { t: 'neg', a: factor(depth + 1) };
    if (tok === '(') {
      const inner = expr(depth + 1);
      take(')');
      return inner;
    }
    if (/^\d/.test(tok) && Number.isFinite(Number(tok))) return { t: 'num', v: Number(tok) };
    if (tok.startsWith('"') || tok.startsWith("'"))
      return { t: 'str', v: tok.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^[-+*/(),]$/.test(tok)) throw new ExpressionError(`unexpected ${JSON.stringify(tok)}`);
    // A bare word not called as a function is an unquoted argument (host(abc, loadavg5)).
    if (peek() !== '(') return { t: 'str', v: tok };
    if (!FUNCTIONS.has(tok)) throw new ExpressionError(`unknown function ${tok}`);
    take('(');
    const args: Node[] = [];
    if (peek() !== ')') {
      args.push(expr(depth + 1));
      while (peek() === ',') {
        take();
        args.push(expr(depth + 1));
      }
    }
    take(')');
    return call(tok, args);
  };
  const str = (n: Node | undefined, what: string): string => {
    if (n?.t !== 'str' || n.v === '') throw new ExpressionError(`${what} must be a name`);
    return n.v;
  };
  const call = (fn: string, args: Node[]): Node => {
    if (fn === 'host' || fn === 'service' || fn === 'role' || fn === 'roleSlots') {
      if (args.length !== 2) throw new ExpressionError(`${fn} takes 2 arguments`);
      const metric = str(args[1], `${fn}'s metric name`);
      const first = str(args[0], `${fn}'s first argument`);
      const ref: SeriesRef =
        fn === 'host'
          ? { kind: 'host', hostId: first, metric }
          : fn === 'service'
            ? { kind: 'service', service: first, metric }
            : { kind: 'role', fullname: first, metric };
      if (ref.kind === 'role' && !/^[^:]+:[^:]+$/.test(ref.fullname))
        throw new ExpressionError(`role takes "service:role", not ${JSON.stringify(ref.fullname)}`);
      refs.push(ref);
      if (refs.length > MAX_REFS) throw new ExpressionError(`more than ${MAX_REFS} series references`);
      return { t: 'ref', ref };
    }
    if (AGGREGATES.has(fn) && args.length < 1) throw new ExpressionError(`${fn} takes at least 1 argument`);
    if ((fn === 'scale' || fn === 'offset' || fn === 'divide') && args.length !== 2)
      throw new ExpressionError(`${fn} takes 2 arguments`);
    return { t: 'call', fn, args };
  };
  if (tokens.length === 0) throw new ExpressionError('empty expression');
  const root = expr(0);
  if (i < tokens.length) throw new ExpressionError(`unexpected ${JSON.stringify(tokens[i])}`);
  if (refs.length === 0) throw new ExpressionError('refers to no metric');
  return { root, refs };
}

/** minute (epoch s) → value */
export type Series = Map<number, number>;
type Value = number | Series[];

const refKey = (r: SeriesRef): string => JSON.stringify(r);

function combine(a: Series, b: Series, f: (x: number, y: number) => number): Series {
  const out: Series = new Map();
  for (const [t, x] of a) {
    const y = b.get(t);
    if (y !== undefined) out.set(t, f(x, y));
  }
  return out;
}

function pointwise(list: Series[], f: (values: number[]) => number): Series {
  const byTime = new Map<number, number[]>();
  for (const s of list) for (const [t, v] of s) byTime.set(t, [...(byTime.get(t) ?? []), v]);
  return new Map([...byTime].map(([t, vs]) => [t, f(vs)]));
}

const AGG: Record<string, (v: number[]) => number> = {
  avg: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  sum: (v) => v.reduce((s, x) => s + x, 0),
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
};

const ARITH: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
};

function one(v: Value, what: string): Series | number {
  if (typeof v === 'number') return v;
  if (v.length !== 1) throw new ExpressionError(`${what} needs one series, got ${v.length}`);
  return v[0] as Series;
}

function arith(op: string, a: Value, b: Value): Value {
  const f = ARITH[op] as (x: number, y: number) => number;
  const x = one(a, `${op}'s left side`);
  const y = one(b, `${op}'s right side`);
  if (typeof x === 'number' && typeof y === 'number') return f(x, y);
  if (typeof x === 'number') return [new Map([...(y as Series)].map(([t, v]) => [t, f(x, v)]))];
  if (typeof y === 'number') return [new Map([...x].map(([t, v]) => [t, f(v, y)]))];
  return [combine(x, y, f)];
}

function evalNode(n: Node, data: Map<string, Series[]>): Value {
  switch (n.t) {
    case 'num':
      return n.v;
    case 'str':
      throw new ExpressionError('a string is not a value');
    case 'ref':
      return data.get(refKey(n.ref)) ?? [];
    case 'neg':
      return arith('*', -1, evalNode(n.a, data));
    case 'bin':
      return arith(n.op, evalNode(n.a, data), evalNode(n.b, data));
    case 'call': {
      const args = n.args.map((a) => evalNode(a, data));
      const lists = () => args.flatMap((a) => (typeof a === 'number' ? [] : a));
      if (n.fn === 'group') return lists();
      const agg = AGG[n.fn];
      if (agg) {
        const all = lists();
        return all.length === 0 ? [] : [pointwise(all, agg)];
      }
      if (n.fn === 'divide') return arith('/', args[0] as Value, args[1] as Value);
      if (n.fn === 'scale') return arith('*', args[0] as Value, args[1] as Value);
      return arith('+', args[0] as Value, args[1] as Value);
    }
  }
}

/** The expression's newest value, or undefined when it has none (no data in the window). */
export function evaluateExpression(
  parsed: ParsedExpression,
  fetched: Map<string, Series[]>,
): number | undefined {
  const v = evalNode(parsed.root, fetched);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v.length === 0) return undefined;
  if (v.length > 1) throw new ExpressionError(`evaluates to ${v.length} series; use avg, sum, max or min`);
  const series = v[0] as Series;
  let newest: [number, number] | undefined;
  for (const [t, x] of series) if (Number.isFinite(x) && (!newest || t > newest[0])) newest = [t, x];
  return newest?.[1];
}

/** Every series the expression evaluates to (a constant has none): what a graph of it draws. */
export function evaluateExpressionSeries(parsed: ParsedExpression, fetched: Map<string, Series[]>): Series[] {
  const v = evalNode(parsed.root, fetched);
  if (typeof v === 'number') return [];
  return v.map((s) => new Map([...s].filter(([, x]) => Number.isFinite(x))));
}

export { refKey as seriesRefKey };
