import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '#shared/use-cases/admin.ts';
import { clientFor, startServerWithShop, type TestServer } from '../support/local-server.ts';

/** What Terraform's provider sends for a service it does not configure (createParam in aws_integration.go). */
const OFF = { enable: false, role: null, excludedMetrics: [] };

describe('AWS integrations API', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    ({ server, call } = await startServerWithShop());
  });
  afterAll(() => server.destroy());

  it('creates, lists (aws_integrations), reads, updates and deletes, in Mackerel’s shape', async () => {
    const body = {
      name: 'prod',
      memo: 'the production account',
      region: 'ap-northeast-1',
      includedTags: 'service:foo,service:bar',
      excludedTags: 'environment:staging',
      services: {
        EC2: {
          enable: true,
          role: 'shop:web',
          excludedMetrics: ['ec2.cpu_credit.used'],
          retireAutomatically: true,
        },
        ALB: { enable: true, role: null, includedMetrics: ['alb.request.count'], excludedMetrics: null },
        CloudFront: OFF,
        Route53: OFF,
      },
    };
    const created = await call('POST', '/api/v0/aws-integrations', body);
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    expect(created.json).toEqual({
      id: expect.any(String),
      name: 'prod',
      memo: 'the production account',
      key: null,
      roleArn: null,
      externalId: null,
      region: 'ap-northeast-1',
      includedTags: 'service:foo,service:bar',
      excludedTags: 'environment:staging',
      services: {
        EC2: {
          enable: true,
          role: 'shop:web',
          excludedMetrics: ['ec2.cpu_credit.used'],
          retireAutomatically: true,
        },
        ALB: { enable: true, role: null, includedMetrics: ['alb.request.count'] },
        CloudFront: OFF,
        Route53: OFF,
      },
    });
    const id = created.json.id;
    expect((await call('GET', '/api/v0/aws-integrations')).json).toEqual({
      aws_integrations: [created.json],
    });
    expect((await call('GET', `/api/v0/aws-integrations/${id}`)).json).toEqual(created.json);

    const { externalId } = (await call('POST', '/api/v0/aws-integrations-external-id')).json;
    expect(externalId).toMatch(/^saba-/);
    expect((await call('POST', '/api/v0/aws-integrations-external-id')).json.externalId).toBe(externalId);
    const roleArn = 'arn:aws:iam::123456789012:role/SabaReader';
    const updated = await call('PUT', `/api/v0/aws-integrations/${id}`, {
      ...body,
      roleArn,
      externalId,
      memo: '',
    });
    expect(updated.status, JSON.stringify(updated.json)).toBe(200);
    expect(updated.json).toMatchObject({ roleArn, externalId, memo: '' });
    // Absent: kept. null: cleared.
    expect((await call('PUT', `/api/v0/aws-integrations/${id}`, body)).json).toMatchObject({
      roleArn,
      externalId,
    });
    expect(
      (await call('PUT', `/api/v0/aws-integrations/${id}`, { ...body, roleArn: null, externalId: null }))
        .json,
    ).toMatchObject({ roleArn: null, externalId: null });

    const deleted = await call('DELETE', `/api/v0/aws-integrations/${id}`);
    expect(deleted.json).toMatchObject({ id, name: 'prod' });
    expect((await call('GET', `/api/v0/aws-integrations/${id}`)).status).toBe(404);
    expect((await call('GET', '/api/v0/aws-integrations')).json).toEqual({ aws_integrations: [] });
  });

  it('lists the excludable metrics by service, Mackerel’s names', async () => {
    const res = await call('GET', '/api/v0/aws-integrations-excludable-metrics');
    expect(res.status).toBe(200);
    expect(res.json.EC2).toEqual(
      expect.arrayContaining(['ec2.cpu.used', 'ec2.network.in', 'ec2.status_check_failed.total']),
    );
    expect(res.json.SQS).toContain('sqs.oldest_message.age');
    expect(Object.keys(res.json).sort()).toEqual(
      ['ALB', 'APIGateway', 'DynamoDB', 'EC2', 'ELB', 'ElastiCache', 'Lambda', 'NLB', 'RDS', 'SQS'].sort(),
    );
  });

  it('answers bad input with a 400 that names the field, and stores nothing', async () => {
    const base = { name: 'bad', memo: '', region: 'us-east-1', services: {} };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ services: { EC3: OFF } }, /services\.EC3: unknown AWS service "EC3"/],
      [
        { services: { EC2: { enable: true, role: null, excludedMetrics: ['ec2.cpu.nope'] } } },
        /services\.EC2\.excludedMetrics: "ec2\.cpu\.nope" is not a metric of EC2/,
      ],
      [{ roleArn: 'arn:aws:iam::12345:role/x', externalId: 'e' }, /roleArn: must be an IAM role ARN/],
      [{ includedTags: 'service:foo,:bar' }, /includedTags: tag ":bar" has no key/],
      [{ key: 'AKIAEXAMPLE', secretKey: 'secret' }, /key: access keys are not accepted/],
      [{ roleArn: 'arn:aws:iam::123456789012:role/x' }, /externalId: required with roleArn/],
      [
        { roleArn: 'arn:aws:iam::123456789012:role/x', externalId: 'someone-elses' },
        /externalId: not the one issued to this organization/,
      ],
      [{ region: 'mars' }, /region: must be an AWS region/],
      [{ services: { EC2: { enable: true, role: 'nocolon', excludedMetrics: [] } } }, /services\.EC2\.role/],
    ];
    for (const [patch, message] of cases) {
      const res = await call('POST', '/api/v0/aws-integrations', { ...base, ...patch });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.json.error.message).toMatch(message);
    }
    expect((await call('POST', '/api/v0/aws-integrations', base)).status).toBe(200);
    const dup = await call('POST', '/api/v0/aws-integrations', base);
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toMatch(/name: an AWS integration named "bad" exists/);
    expect((await call('GET', '/api/v0/aws-integrations')).json.aws_integrations).toHaveLength(1);
  });

  it('needs a write key to change anything', async () => {
    const { key } = await createApiKey(server.runtime.deps, 'default', 'read', 'ro');
    const ro = clientFor(server, key);
    expect((await ro('GET', '/api/v0/aws-integrations')).status).toBe(200);
    const res = await ro('POST', '/api/v0/aws-integrations', { name: 'x', memo: '', region: 'us-east-1' });
    expect(res.status).toBe(403);
  });
});
