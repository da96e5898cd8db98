import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import {
  type AggregateOp,
  type AtModifier,
  type BinaryOp,
  type Expr,
  type Matcher,
  type MatchType,
  METRIC_NAME,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts';
import { SIGNATURES } from './functions.ts';

/** A query Prometheus would refuse to parse: the message says what and where. */
export class PromQLParseError extends Error {}

const AGGREGATES = new Set<AggregateOp>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'quantile',
  'count_values',
  'topk',
  'bottomk',
]);
const PARAMETERIZED = new Set<AggregateOp>(['quantile', 'count_values', 'topk', 'bottomk']);
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** `1h30m`, `5m`, `250ms`, or a plain number of seconds (Prometheus 3), in milliseconds. */
export function parseDuration(text: string): number {
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new PromQLParseError(`bad duration "${text}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNIT_MS[p[2] as string] as number), 0);
}

/** A number literal as Go's ParseFloat takes it (hex, Inf, NaN), or a duration in seconds. */
function parseNumber(literal: string): number {
  const signed = /^([+-])\s*(.*)$/s.exec(literal);
  if (signed) return (signed[1] === '-' ? -1 : 1) * parseNumber(signed[2] as string);
  const t = literal.toLowerCase();
  const text = literal;
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === 'nan') return Number.NaN;
  if (/^0x[0-9a-f]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/.test(t) || /^[0-9]+\.$/.test(t)) return Number(t);
  if (/^0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
  return parseDuration(text) / 1000;
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** A string literal as Go unquotes it: `"..."` and `'...'` with escapes, `` `...` `` raw. */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (literal.length < 2 || literal[literal.length - 1] !== quote)
    throw new PromQLParseError(`unterminated string ${literal}`);
  if (quote === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in ESCAPES) out += ESCAPES[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n)
        throw new PromQLParseError(`invalid escape in ${literal}`);
      out +=
        e === 'x'
          ? String.fromCharCode(Number.parseInt(hex, 16))
          : String.fromCodePoint(Number.parseInt(hex, 16));
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new PromQLParseError(`invalid escape in ${literal}`);
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 2;
    } else throw new PromQLParseError(`unknown escape sequence \\${e} in ${literal}`);
  }
  return out;
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
      return 'vector';
    case 'matrix':
      return 'matrix';
    case 'call':
      return SIGNATURES[e.name]?.returns ?? 'vector';
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

class Reader {
  readonly query: string;
  constructor(query: string) {
    this.query = query;
  }
  text(n: SyntaxNode): string {
    return this.query.slice(n.from, n.to);
  }
  fail(n: SyntaxNode, why: string): never {
    throw new PromQLParseError(`${why} at position ${n.from + 1}: "${this.text(n)}"`);
  }
  children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }
  child(n: SyntaxNode, name: string): SyntaxNode | undefined {
    return this.children(n).find((c) => c.name === name);
  }

  expr(n: SyntaxNode): Expr {
    switch (n.name) {
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(n) };
      case 'StringLiteral':
        return { kind: 'string', value: unquote(this.text(n)) };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
        return this.matrixSelector(n);
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.modified(n);
      case 'ParenExpr': {
        const [inner] = this.exprChildren(n);
        if (!inner) this.fail(n, 'empty parentheses');
        return { kind: 'paren', expr: this.expr(inner) };
      }
      case 'UnaryExpr':
        return this.unary(n);
      case 'BinaryExpr':
        return this.binary(n);
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'SubqueryExpr':
        return this.fail(n, 'subqueries are not supported');
      default:
        return this.fail(n, `unexpected ${n.name}`);
    }
  }

  /** The children that are expressions (not operators, keywords or modifiers). */
  exprChildren(n: SyntaxNode): SyntaxNode[] {
    return this.children(n).filter((c) => EXPRESSION_NODES.has(c.name));
  }

  number(n: SyntaxNode): number {
    const v = parseNumber(this.text(n));
    if (Number.isNaN(v) && this.text(n).toLowerCase() !== 'nan') this.fail(n, 'bad number');
    return v;
  }

  vectorSelector(n: SyntaxNode): VectorSelector {
    const matchers: Matcher[] = [];
    const name = this.child(n, 'Identifier');
    if (name) matchers.push({ name: METRIC_NAME, type: '=', value: this.text(name) });
    const list = this.child(n, 'LabelMatchers');
    for (const m of list ? this.children(list) : []) {
      if (m.name === 'QuotedLabelName') {
        // A quoted metric name alone: {"metric.name"}.
        const lit = this.child(m, 'StringLiteral');
        if (!lit) this.fail(m, 'bad metric name');
        matchers.push({ name: METRIC_NAME, type: '=', value: unquote(this.text(lit)) });
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher')
        this.fail(m, 'bad label matcher');
      const labelNode = this.child(m, 'LabelName') ?? this.child(m, 'QuotedLabelName');
      const op = this.child(m, 'MatchOp');
      const value = this.children(m)
        .filter((c) => c.name === 'StringLiteral')
        .pop();
      if (!labelNode || !op || !value) this.fail(m, 'bad label matcher');
      const label =
        labelNode.name === 'QuotedLabelName'
          ? unquote(this.text(this.child(labelNode, 'StringLiteral') ?? labelNode))
          : this.text(labelNode);
      const type = this.text(op) as MatchType;
      const v = unquote(this.text(value));
      if (type === '=~' || type === '!~') compileRegex(v, () => this.fail(value, 'bad regular expression'));
      matchers.push({ name: label, type, value: v });
    }
    if (name && matchers.some((m, i) => i > 0 && m.name === METRIC_NAME))
      this.fail(n, 'metric name must not be set twice');
    if (!matchers.some((m) => !matchesEmpty(m)))
      this.fail(n, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vector', matchers, offset: 0 };
  }

  matrixSelector(n: SyntaxNode): Expr {
    const [inner] = this.exprChildren(n);
    const range = this.child(n, 'DurationExpr');
    if (!inner || !range) this.fail(n, 'bad range selector');
    const vector = this.expr(inner);
    if (vector.kind !== 'vector') this.fail(n, 'ranges only allowed for vector selectors');
    if (vector.offset !== 0 || vector.at !== undefined)
      this.fail(n, 'no offset or @ modifiers allowed before range');
    const ms = this.duration(range);
    if (ms <= 0) this.fail(range, 'range must be greater than 0');
    return { kind: 'matrix', vector, range: ms };
  }

  duration(n: SyntaxNode): number {
    const literal = this.children(n).find((c) => c.name === 'NumberDurationLiteralInDurationContext');
    if (!literal || this.children(n).length !== 1) this.fail(n, 'duration expressions are not supported');
    return parseDuration(this.text(literal));
  }

  offsetDuration(n: SyntaxNode): number {
    const minus = this.child(n, 'UnaryOp');
    const inner = this.child(n, 'OffsetDurationExpr');
    if (minus && inner) return (this.text(minus) === '-' ? -1 : 1) * this.offsetDuration(inner);
    const literal = this.child(n, 'NumberDurationLiteralInDurationContext');
    if (!literal || this.children(n).length !== 1) this.fail(n, 'duration expressions are not supported');
    return parseDuration(this.text(literal));
  }

  /** `offset` and `@` apply to the selector they follow (Prometheus allows nothing else but subqueries). */
  modified(n: SyntaxNode): Expr {
    const [inner] = this.exprChildren(n);
    if (!inner) this.fail(n, 'bad modifier');
    if (this.unmodified(n).name === 'BinaryExpr') return this.binary(n);
    return this.modify(this.expr(inner), n);
  }

  /** What a chain of modifiers applies to. */
  unmodified(n: SyntaxNode): SyntaxNode {
    let m = n;
    while (MODIFIERS.has(m.name)) {
      const inner = this.exprChildren(m)[0];
      if (!inner) this.fail(m, 'bad modifier');
      m = inner;
    }
    return m;
  }

  modify(target: Expr, n: SyntaxNode): Expr {
    // `-x @ 100` is `-(x @ 100)`.
    let operand = target;
    while (operand.kind === 'unary') operand = operand.expr;
    const selector =
      operand.kind === 'matrix' ? operand.vector : operand.kind === 'vector' ? operand : undefined;
    if (!selector)
      this.fail(
        n,
        `${n.name === 'OffsetExpr' ? 'offset' : '@'} modifier must be preceded by an instant vector selector or range vector selector`,
      );
    if (n.name === 'OffsetExpr') {
      if (selector.offset !== 0) this.fail(n, 'offset may not be set multiple times');
      const d = this.child(n, 'OffsetDurationExpr');
      if (!d) this.fail(n, 'bad offset');
      selector.offset = this.offsetDuration(d);
      return target;
    }
    if (selector.at !== undefined) this.fail(n, '@ <timestamp> may not be set multiple times');
    selector.at = this.at(n);
    return target;
  }

  at(n: SyntaxNode): AtModifier {
    const pre = this.child(n, 'AtModifierPreprocessors');
    if (pre) return this.text(pre) === 'start' ? 'start' : 'end';
    const minus = this.children(n).find((c) => c.name === 'UnaryOp' || c.name === 'Sub');
    const num = this.child(n, 'NumberDurationLiteral');
    if (!num) this.fail(n, 'bad @ modifier');
    const seconds = this.number(num) * (minus && this.text(minus) === '-' ? -1 : 1);
    if (!Number.isFinite(seconds)) this.fail(n, 'timestamp out of bounds for @ modifier');
    return Math.round(seconds * 1000);
  }

  unary(n: SyntaxNode): Expr {
    const op = this.child(n, 'UnaryOp');
    const [inner] = this.exprChildren(n);
    if (!op || !inner) this.fail(n, 'bad unary expression');
    const expr = this.expr(inner);
    const t = typeOf(expr);
    if (t !== 'scalar' && t !== 'vector')
      this.fail(
        n,
        `unary expression only allowed on expressions of type scalar or instant vector, got "${t}"`,
      );
    // -1 is a number, as Prometheus folds it.
    if (expr.kind === 'number')
      return { kind: 'number', value: this.text(op) === '-' ? -expr.value : expr.value };
    return { kind: 'unary', op: this.text(op) as '-' | '+', expr };
  }

  /**
   * A chain of binary operators. The UI grammar binds `@` and `offset` looser than the operators, so
   * the chain is flattened into operands (each modifier applied to the operand it follows) and
   * operators, and rebuilt with Prometheus's precedence: `^` (right-associative), then `* / % atan2`,
   * `+ -`, comparisons, `and unless`, `or`.
   */
  binary(n: SyntaxNode): Expr {
    const operands: Expr[] = [];
    const ops: SyntaxNode[] = [];
    const flatten = (node: SyntaxNode): void => {
      if (node.name === 'BinaryExpr') {
        const [l, r] = this.exprChildren(node);
        if (!l || !r) this.fail(node, 'bad binary expression');
        flatten(l);
        ops.push(node);
        flatten(r);
      } else if (MODIFIERS.has(node.name) && this.unmodified(node).name === 'BinaryExpr') {
        const chain: SyntaxNode[] = [];
        for (let m = node; MODIFIERS.has(m.name); m = this.exprChildren(m)[0] as SyntaxNode) chain.unshift(m);
        flatten(this.unmodified(node));
        let last = operands.pop() as Expr;
        for (const m of chain) last = this.modify(last, m);
        operands.push(last);
      } else operands.push(this.expr(node));
    };
    flatten(n);
    const opOf = (node: SyntaxNode) =>
      OPERATORS[this.children(node).find((c) => OPERATORS[c.name] !== undefined)?.name ?? ''] as BinaryOp;
    // Precedence climbing over the flat chain.
    let i = 0;
    const parse = (minPrecedence: number): Expr => {
      let lhs = operands[i] as Expr;
      while (i < ops.length) {
        const node = ops[i] as SyntaxNode;
        const op = opOf(node);
        const p = PRECEDENCE[op];
        if (p < minPrecedence) break;
        i++;
        const rhs = parse(op === '^' ? p : p + 1);
        lhs = this.makeBinary(node, op, lhs, rhs);
      }
      return lhs;
    };
    const result = parse(0);
    if (i !== ops.length) this.fail(n, 'bad binary expression');
    return result;
  }

  makeBinary(n: SyntaxNode, op: BinaryOp, lhs: Expr, rhs: Expr): Expr {
    const parts = this.children(n);
    const returnBool = parts.some((c) => c.name === 'BoolModifier');
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const t of [lt, rt])
      if (t !== 'scalar' && t !== 'vector')
        this.fail(
          n,
          `binary expression must contain only scalar and instant vector types, got ${typeName(t)}`,
        );
    if (returnBool && !COMPARISONS.has(op))
      this.fail(n, 'bool modifier can only be used on comparison operators');
    if (COMPARISONS.has(op) && lt === 'scalar' && rt === 'scalar' && !returnBool)
      this.fail(n, 'comparisons between scalars must use BOOL modifier');
    if (SET_OPS.has(op) && (lt === 'scalar' || rt === 'scalar'))
      this.fail(n, `set operator "${op}" not allowed in binary scalar expression`);
    const clause = this.child(n, 'MatchingModifierClause');
    let matching: VectorMatching | undefined;
    if (lt === 'vector' && rt === 'vector') {
      matching = {
        card: SET_OPS.has(op) ? 'many-to-many' : 'one-to-one',
        on: false,
        labels: [],
        include: [],
      };
      if (clause) {
        const c = this.children(clause);
        const groups = c.filter((x) => x.name === 'GroupingLabels').map((g) => this.labels(g));
        matching.on = c.some((x) => x.name === 'On');
        matching.labels = groups[0] ?? [];
        const left = c.some((x) => x.name === 'GroupLeft');
        const right = c.some((x) => x.name === 'GroupRight');
        if (left || right) {
          if (SET_OPS.has(op)) this.fail(n, 'no grouping allowed for "and", "or", "unless" operations');
          matching.card = left ? 'many-to-one' : 'one-to-many';
          matching.include = groups[1] ?? [];
          if (matching.on && matching.include.some((l) => matching?.labels.includes(l)))
            this.fail(n, 'label must not occur in ON and GROUP clause at once');
        }
      }
    } else if (clause) this.fail(n, 'vector matching only allowed between instant vectors');
    return { kind: 'binary', op, lhs, rhs, returnBool, ...(matching && { matching }) };
  }

  labels(n: SyntaxNode): string[] {
    return this.children(n)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) =>
        c.name === 'QuotedLabelName' ? unquote(this.text(this.child(c, 'StringLiteral') ?? c)) : this.text(c),
      );
  }

  call(n: SyntaxNode): Expr {
    const id = this.child(n, 'FunctionIdentifier');
    const body = this.child(n, 'FunctionCallBody');
    if (!id || !body) this.fail(n, 'bad function call');
    const name = this.text(id);
    const signature = SIGNATURES[name];
    if (!signature) this.fail(id, `function "${name}" is not supported`);
    const args = this.exprChildren(body).map((a) => this.expr(a));
    const required = signature.args.length - (signature.optional === -1 ? 1 : (signature.optional ?? 0));
    const max = signature.optional === -1 ? Number.POSITIVE_INFINITY : signature.args.length;
    if (args.length < required || args.length > max)
      this.fail(
        n,
        `expected ${required === max ? required : `${required} to ${max}`} argument(s) in call to "${name}", got ${args.length}`,
      );
    args.forEach((a, i) => {
      const want = signature.args[Math.min(i, signature.args.length - 1)] as ValueType;
      const got = typeOf(a);
      if (got !== want)
        this.fail(n, `expected type ${typeName(want)} in call to function "${name}", got ${typeName(got)}`);
    });
    return { kind: 'call', name, args };
  }

  aggregate(n: SyntaxNode): Expr {
    const opNode = this.child(n, 'AggregateOp');
    const body = this.child(n, 'FunctionCallBody');
    if (!opNode || !body) this.fail(n, 'bad aggregation');
    const op = this.text(opNode).toLowerCase() as AggregateOp;
    if (!AGGREGATES.has(op)) this.fail(opNode, `aggregation "${op}" is not supported`);
    const modifier = this.child(n, 'AggregateModifier');
    const grouping = modifier ? this.labels(this.child(modifier, 'GroupingLabels') ?? modifier) : [];
    const without = modifier ? this.children(modifier).some((c) => c.name === 'Without') : false;
    const args = this.exprChildren(body).map((a) => this.expr(a));
    const wanted = PARAMETERIZED.has(op) ? 2 : 1;
    if (args.length !== wanted)
      this.fail(
        n,
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
      );
    const expr = args[wanted - 1] as Expr;
    if (typeOf(expr) !== 'vector')
      this.fail(n, `expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`);
    const param = wanted === 2 ? args[0] : undefined;
    if (param) {
      const want = op === 'count_values' ? 'string' : 'scalar';
      if (typeOf(param) !== want)
        this.fail(
          n,
          `expected type ${typeName(want)} in aggregation parameter, got ${typeName(typeOf(param))}`,
        );
    }
    return { kind: 'aggregate', op, expr, grouping, without, ...(param && { param }) };
  }
}

const typeName = (t: ValueType) => (t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t);

const EXPRESSION_NODES = new Set([
  'NumberDurationLiteral',
  'StringLiteral',
  'VectorSelector',
  'MatrixSelector',
  'OffsetExpr',
  'StepInvariantExpr',
  'ParenExpr',
  'UnaryExpr',
  'BinaryExpr',
  'FunctionCall',
  'AggregateExpr',
  'SubqueryExpr',
]);

const MODIFIERS = new Set(['StepInvariantExpr', 'OffsetExpr']);

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

const OPERATORS: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const regexCache = new Map<string, RegExp>();

/**
 * RE2's `(?i)` sets a flag up to the end of its group; JavaScript only has the scoped `(?i:…)`.
 * Rewrites the former into the latter.
 */
export function scopedFlags(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    const flags = /^\(\?([imsU]+)\)/.exec(source.slice(i));
    if (c === '(' && flags) {
      // The rest of the enclosing group, which the flags govern.
      let depth = 0;
      let j = i + flags[0].length;
      let cls = false;
      for (; j < source.length; j++) {
        const d = source[j];
        if (d === '\\') j++;
        else if (cls) cls = d !== ']';
        else if (d === '[') cls = true;
        else if (d === '(') depth++;
        else if (d === ')') {
          if (depth === 0) break;
          depth--;
        }
      }
      const jsFlags = (flags[1] as string).replace(/[^ims]/g, '');
      out += `(?${jsFlags}:${scopedFlags(source.slice(i + flags[0].length, j))})`;
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** Prometheus anchors label regexes at both ends; RE2 syntax is close enough to JavaScript's for label values. */
export function compileRegex(
  source: string,
  onError: () => never = () => {
    throw new PromQLParseError(`bad regular expression ${source}`);
  },
): RegExp {
  let re = regexCache.get(source);
  if (re) return re;
  try {
    re = new RegExp(`^(?:${scopedFlags(source)})$`, 's');
  } catch {
    onError();
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(source, re);
  return re;
}

/** Whether the matcher accepts the empty string (an absent label). */
export function matchesEmpty(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileRegex(m.value).test('');
    case '!~':
      return !compileRegex(m.value).test('');
  }
}

const GROUPING_KEYWORDS = /^(by|without|on|ignoring|group_left|group_right)$/i;

/**
 * Mackerel writes OpenTelemetry's dotted names bare (`nginx.connections_current{state="active"}`,
 * `sum by (http.method) (...)`); Prometheus quotes them (`{"nginx.connections_current", ...}`).
 * Rewrites the former into the latter, outside string literals, so both read the same.
 */
export function quoteDottedNames(query: string): string {
  let out = '';
  let braces = 0;
  let groupingParens = 0;
  let lastWord = '';
  for (let i = 0; i < query.length; ) {
    const c = query[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' && c !== '`' ? 2 : 1;
      out += query.slice(i, j + 1);
      i = j + 1;
      lastWord = '';
      continue;
    }
    const word = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/.exec(query.slice(i))?.[0];
    const previous = out.match(/[a-zA-Z0-9_.]$/);
    if (word && !previous) {
      i += word.length;
      const next = query.slice(i).trimStart()[0];
      if (!word.includes('.')) out += word;
      else if (braces > 0 || groupingParens > 0) out += JSON.stringify(word);
      else if (next === '{') {
        const open = query.indexOf('{', i);
        const empty = /^\{\s*\}/.test(query.slice(open));
        out += `{${JSON.stringify(word)}${empty ? '' : ','}`;
        i = open + 1;
        braces++;
        if (empty) {
          i = query.indexOf('}', open) + 1;
          out += '}';
          braces--;
        }
      } else out += `{${JSON.stringify(word)}}`;
      lastWord = word;
      continue;
    }
    if (c === '{') braces++;
    else if (c === '}') braces = Math.max(0, braces - 1);
    else if (c === '(' && GROUPING_KEYWORDS.test(lastWord)) groupingParens++;
    else if (c === ')' && groupingParens > 0) groupingParens--;
    if (!/\s/.test(c)) lastWord = /[a-zA-Z_]/.test(c) ? lastWord : '';
    out += c;
    i++;
  }
  return out;
}

/** Parses a query, checking it as Prometheus's parser does; throws PromQLParseError. */
export function parsePromQL(text: string): Expr {
  if (text.trim() === '') throw new PromQLParseError('no expression found in input');
  const query = text.includes('.') ? quoteDottedNames(text) : text;
  const tree = parser.parse(query);
  const reader = new Reader(query);
  let error: SyntaxNode | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError && !error) error = node.node;
      return !error;
    },
  });
  if (error) {
    const at = error.from;
    throw new PromQLParseError(
      `parse error at position ${at + 1}: unexpected ${at >= query.length ? 'end of input' : `"${query.slice(at, at + 12)}"`}`,
    );
  }
  const top = tree.topNode.firstChild;
  if (!top || top.nextSibling) throw new PromQLParseError('parse error: expected one expression');
  return reader.expr(top);
}
