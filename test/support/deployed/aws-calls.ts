import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ACCOUNT, REGION } from './intrinsics.ts';

/** One AWS API call as IAM judges it: who, which action, on which resource, with which condition keys. */
export interface AwsCall {
  /** The principal (a role's logical id): the access key id the harness gave its credentials. */
  principal: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  status?: number;
  /** For SES sends: the recipients (what the end-to-end test counts). */
  to?: string[];
}

/** What the recorder must know of the tables: each one's partition key attribute. */
export interface TableKeys {
  partitionKeyOf(tableName: string): string | undefined;
}

type Json = Record<string, unknown>;
type Attr = { S?: string; N?: string };

/** IAM's action name for an API operation where the two differ. */
const ACTION_ALIASES: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'timestream:Query': 'timestream:Select',
};
/** The IAM service prefix of a SigV4 signing name. */
const SERVICE_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', email: 'ses', tagging: 'tag' };

/** The operations of REST-protocol services that saba calls, by method and path. */
function restOperation(service: string, method: string, path: string): string | undefined {
  if (service === 'lambda' && method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(path))
    return 'ListFunctions';
  return undefined;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const queueArn = (url: unknown) => arn('sqs', String(url).split('/').at(-1) ?? '');
const tableArn = (name: string) => arn('dynamodb', `table/${name}`);
const attrValue = (a: Attr | undefined) => a?.S ?? a?.N;

/** The partition key values a DynamoDB request touches (the `dynamodb:LeadingKeys` condition key). */
function leadingKeys(op: string, body: Json, table: string, keys: TableKeys): string[] {
  const pk = keys.partitionKeyOf(table);
  if (!pk) return [];
  const of = (item: unknown) => attrValue((item as Record<string, Attr> | undefined)?.[pk]);
  switch (op) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [of(body.Key)].filter((v): v is string => v !== undefined);
    case 'PutItem':
      return [of(body.Item)].filter((v): v is string => v !== undefined);
    case 'Query': {
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, Attr>;
      for (const m of String(body.KeyConditionExpression ?? '').matchAll(/(#?[\w]+)\s*=\s*(:[\w]+)/g)) {
        const name = m[1]?.startsWith('#') ? names[m[1]] : m[1];
        if (name === pk) return [attrValue(values[m[2] as string]) ?? ''];
      }
      return [];
    }
    case 'BatchGetItem':
      return ((body.RequestItems as Record<string, { Keys: unknown[] }>)[table]?.Keys ?? [])
        .map(of)
        .filter((v): v is string => v !== undefined);
    case 'BatchWriteItem':
      return ((body.RequestItems as Record<string, Json[]>)[table] ?? [])
        .map((w) =>
          of((w.PutRequest as Json | undefined)?.Item ?? (w.DeleteRequest as Json | undefined)?.Key),
        )
        .filter((v): v is string => v !== undefined);
    default:
      return [];
  }
}

/** The calls one request makes, as IAM sees them (a batch over two tables is two). */
function callsOf(
  service: string,
  op: string,
  body: Json,
  form: URLSearchParams,
  keys: TableKeys,
): Omit<AwsCall, 'principal'>[] {
  const action = (name: string) => ACTION_ALIASES[name] ?? name;
  switch (service) {
    case 'dynamodb': {
      const tables = body.RequestItems
        ? Object.keys(body.RequestItems as Json)
        : [String(body.TableName ?? '')];
      return tables.map((table) => ({
        action: action(`dynamodb:${op}`),
        resource: tableArn(table),
        context: { 'dynamodb:LeadingKeys': leadingKeys(op, body, table, keys) },
      }));
    }
    case 'sqs':
      return [{ action: action(`sqs:${op}`), resource: queueArn(body.QueueUrl), context: {} }];
    case 'ses': {
      const source = form.get('Source') ?? '';
      const address = /<([^>]+)>/.exec(source)?.[1] ?? source;
      const to = [...form.entries()]
        .filter(([k]) => k.startsWith('Destination.ToAddresses.member.'))
        .map(([, v]) => v);
      return [
        {
          action: `ses:${op}`,
          resource: arn('ses', `identity/${address}`),
          context: { 'ses:FromAddress': address },
          to,
        },
      ];
    }
    case 'cloudwatch':
      return [
        {
          action: action(`cloudwatch:${op}`),
          resource: '*',
          context:
            body.Namespace === undefined
              ? ({} as Record<string, string>)
              : { 'cloudwatch:namespace': String(body.Namespace) },
        },
      ];
    case 'timestream': {
      if (op === 'DescribeEndpoints')
        return [{ action: 'timestream:DescribeEndpoints', resource: '*', context: {} }];
      if (op === 'Query') {
        const [, db, table] = /FROM\s+"([^"]+)"\."([^"]+)"/i.exec(String(body.QueryString ?? '')) ?? [];
        return [
          {
            action: action('timestream:Query'),
            resource: arn('timestream', `database/${db}/table/${table}`),
            context: {},
          },
        ];
      }
      return [
        {
          action: `timestream:${op}`,
          resource: arn('timestream', `database/${body.DatabaseName}/table/${body.TableName}`),
          context: {},
        },
      ];
    }
    case 'logs': {
      const group = String(body.logGroupName ?? '');
      const stream = body.logStreamName === undefined ? '' : `:log-stream:${body.logStreamName}`;
      return [{ action: `logs:${op}`, resource: arn('logs', `log-group:${group}${stream}`), context: {} }];
    }
    default:
      return [{ action: `${service}:${op}`, resource: '*', context: {} }];
  }
}

/**
 * The network between the functions and AWS: an HTTP proxy in front of moto that records every
 * call (the principal from the SigV4 access key id the harness issued to that role) before passing
 * it on unchanged. IAM is judged afterwards, from the recording (iam-policy.ts).
 */
export class AwsCallRecorder {
  readonly calls: AwsCall[] = [];
  #server?: Server;
  endpoint = '';

  readonly #moto: string;
  readonly #keys: TableKeys;

  constructor(moto: string, keys: TableKeys) {
    this.#moto = moto;
    this.#keys = keys;
  }

  async start(): Promise<void> {
    const target = new URL(this.#moto);
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const recorded = this.#record(req.headers, body, req.method ?? 'GET', req.url ?? '/');
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            for (const call of recorded) call.status = answer.statusCode ?? 0;
            // Hop-by-hop headers stay on moto's side (its server closes every connection); the
            // function keeps its connection to "AWS" open between calls, as it does in a region.
            const { connection: _c, 'keep-alive': _k, ...headers } = answer.headers;
            if (!recorded.some((c) => c.action === 'timestream:DescribeEndpoints')) {
              res.writeHead(answer.statusCode ?? 502, headers);
              answer.pipe(res);
              return;
            }
            // Timestream's endpoint discovery names its cell's host; the SDK then sends there with
            // the configured scheme and port. Here that host is this recorder (the harness's DNS).
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => {
              const rewritten = Buffer.from(
                Buffer.concat(parts)
                  .toString('utf8')
                  .replace(/"Address"\s*:\s*"[^"]*"/g, '"Address":"127.0.0.1"'),
              );
              res.writeHead(answer.statusCode ?? 502, {
                ...headers,
                'content-length': rewritten.length,
              });
              res.end(rewritten);
            });
          },
        );
        upstream.on('error', (err) => {
          res.writeHead(502);
          res.end(String(err));
        });
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  #record(
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
    method: string,
    url: string,
  ): AwsCall[] {
    const auth = String(headers.authorization ?? '');
    const [, principal, service] = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth) ?? [];
    if (!principal || !service) return [];
    // The SDK gzips large requests where the API allows it (CloudWatch's PutMetricData from 10 KB).
    const encoding = String(headers['content-encoding'] ?? '');
    const text = (encoding.includes('gzip') ? gunzipSync(body) : body).toString('utf8');
    const json = (() => {
      try {
        return JSON.parse(text) as Json;
      } catch {
        return {};
      }
    })();
    const form = new URLSearchParams(text);
    const target = String(headers['x-amz-target'] ?? '');
    const path = url.split('?')[0] ?? '/';
    const op = target
      ? (target.split('.').at(-1) ?? '')
      : (form.get('Action') ?? restOperation(service, method, path) ?? '');
    const prefix = SERVICE_PREFIX[service] ?? service;
    if (prefix === 'apigateway')
      return this.#push([
        {
          principal,
          action: `apigateway:${method}`,
          resource: `arn:aws:apigateway:${REGION}::${path.replace(/^\/v2\//, '/')}`,
          context: {},
        },
      ]);
    // Allowed whatever the policies say (IAM documents no permission for it).
    if (prefix === 'sts' && op === 'GetCallerIdentity') return [];
    return this.#push(callsOf(prefix, op, json, form, this.#keys).map((c) => ({ principal, ...c })));
  }

  #push(calls: AwsCall[]): AwsCall[] {
    this.calls.push(...calls);
    return calls;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }
}
