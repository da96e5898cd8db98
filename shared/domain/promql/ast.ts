/** PromQL's syntax tree, as saba evaluates it (times in milliseconds, as Prometheus keeps them). */

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

/** `@ <time>` in ms, or the query's start or end. */
export type AtModifier = number | 'start' | 'end';

export interface VectorSelector {
  kind: 'vector';
  matchers: Matcher[];
  /** Milliseconds; negative looks ahead. */
  offset: number;
  at?: AtModifier;
}

export interface MatrixSelector {
  kind: 'matrix';
  vector: VectorSelector;
  /** Milliseconds. */
  range: number;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` otherwise (no clause: ignoring nothing). */
  on: boolean;
  labels: string[];
  /** The labels `group_left(...)`/`group_right(...)` copy from the "one" side. */
  include: string[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'quantile'
  | 'count_values'
  | 'topk'
  | 'bottomk';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | VectorSelector
  | MatrixSelector
  | { kind: 'call'; name: string; args: Expr[] }
  | {
      kind: 'aggregate';
      op: AggregateOp;
      expr: Expr;
      param?: Expr;
      grouping: string[];
      without: boolean;
    }
  | {
      kind: 'binary';
      op: BinaryOp;
      lhs: Expr;
      rhs: Expr;
      returnBool: boolean;
      matching?: VectorMatching;
    }
  | { kind: 'unary'; op: '-' | '+'; expr: Expr }
  | { kind: 'paren'; expr: Expr };

export const METRIC_NAME = '__name__';
