/**
 * CloudFormation's intrinsic functions, resolved against what the harness deployed: `Ref`,
 * `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::ImportValue`, `Fn::GetAZs`, and the pseudo
 * parameters. Anything unresolvable throws, naming it: a template that refers to something the
 * deployment does not have must fail here, as CloudFormation would fail the stack.
 */
export interface Resolver {
  ref(logicalId: string): string | undefined;
  attr(logicalId: string, attribute: string): string | undefined;
  importValue(name: string): string | undefined;
}

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

export function resolve(value: unknown, r: Resolver): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, r));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [fn, arg] = entries[0] ?? [];
  if (entries.length === 1 && fn !== undefined && (fn === 'Ref' || fn.startsWith('Fn::')))
    return resolveFunction(fn, arg, r);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, r)]));
}

/** A value that must come out as a string. */
export function resolveString(value: unknown, r: Resolver): string {
  const out = resolve(value, r);
  if (typeof out !== 'string' && typeof out !== 'number')
    throw new Error(`not a string: ${JSON.stringify(out)}`);
  return String(out);
}

function must(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`the deployment has no ${what}`);
  return value;
}

function resolveFunction(fn: string, arg: unknown, r: Resolver): unknown {
  switch (fn) {
    case 'Ref': {
      const id = arg as string;
      return PSEUDO[id] ?? must(r.ref(id), `resource ${id} (Ref)`);
    }
    case 'Fn::GetAtt': {
      const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
      return must(r.attr(id, attribute), `attribute ${id}.${attribute}`);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => resolveString(p, r)).join(sep);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [number | string, unknown];
      return (resolve(list, r) as unknown[])[Number(index)];
    }
    case 'Fn::Split': {
      const [sep, source] = arg as [string, unknown];
      return resolveString(source, r).split(sep);
    }
    case 'Fn::ImportValue': {
      const name = resolveString(arg, r);
      return must(r.importValue(name), `export ${name}`);
    }
    case 'Fn::Sub': {
      const [text, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, unknown>];
      return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in vars) return resolveString(vars[name], r);
        if (PSEUDO[name] !== undefined) return PSEUDO[name];
        const [id, attribute] = name.split('.') as [string, string | undefined];
        return attribute
          ? must(r.attr(id, attribute), `attribute ${name}`)
          : must(r.ref(id), `resource ${id}`);
      });
    }
    case 'Fn::GetAZs': {
      const region = resolveString(arg, r) || REGION;
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    default:
      throw new Error(`the harness does not resolve ${fn}`);
  }
}
