import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '#shared/use-cases/users/users.ts';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startServerWithShop, startTestServer, type TestServer } from '../support/local-server.ts';

describe('channels, notification groups, downtimes, users', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    ({ server, call } = await startServerWithShop());
  });
  afterAll(() => server.destroy());

  it('has a default email channel and default group; creates, updates and deletes channels as client-go sends them', async () => {
    const initial = (await call('GET', '/api/v0/channels')).json.channels;
    expect(initial).toEqual([
      { id: 'default-channel', name: 'Default', type: 'email-broadcast', events: ['alert'] },
    ]);
    const user = await addUser(server.runtime.deps, 'default', 'dev@example.com', 'collaborator');
    const email = await call('POST', '/api/v0/channels', {
      name: 'devs',
      type: 'email',
      emails: ['a@example.com'],
      userIds: [user.id],
      events: ['alert'],
      mentions: {},
      addToDefaultNotificationGroup: true,
    });
    expect(email.json).toEqual({
      id: expect.any(String),
      name: 'devs',
      type: 'email',
      emails: ['a@example.com'],
      userIds: [user.id],
      events: ['alert'],
    });
    const groups = (await call('GET', '/api/v0/notification-groups')).json.notificationGroups;
    expect(groups[0]).toMatchObject({
      type: 'group-default',
      childChannelIds: ['default-channel', email.json.id],
    });

    const slack = (
      await call('POST', '/api/v0/channels', {
        name: 'chat',
        type: 'slack',
        url: 'https://hooks.slack.com/services/T/B/X',
        mentions: { critical: '@here' },
        enabledGraphImage: true,
      })
    ).json;
    expect(slack).toMatchObject({ type: 'slack', mentions: { critical: '@here' }, events: ['alert'] });
    const put = await call('PUT', `/api/v0/channels/${slack.id}`, {
      name: 'chat2',
      type: 'slack',
      url: 'https://hooks.slack.com/services/T/B/Y',
      mentions: {},
    });
    expect(put.json).toMatchObject({ id: slack.id, name: 'chat2', mentions: {} });
    expect(
      (
        await call('PUT', `/api/v0/channels/${slack.id}`, {
          name: 'x',
          type: 'webhook',
          url: 'https://e.com',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PUT', `/api/v0/channels/${slack.id}`, {
          name: 'x',
          type: 'slack',
          url: 'https://e.com',
          addToDefaultNotificationGroup: true,
        })
      ).status,
    ).toBe(400);

    // Webhook channels in client-go's shape: `enabledGraphImage` is Slack's alone (sent or not).
    const hook = await call('POST', '/api/v0/channels', {
      name: 'hook',
      type: 'webhook',
      url: 'https://example.com/hook',
      enabledGraphImage: true,
    });
    expect(hook.json).toMatchObject({ type: 'webhook', url: 'https://example.com/hook', events: ['alert'] });
    expect(hook.json).not.toHaveProperty('enabledGraphImage');
    const listed = (await call('GET', '/api/v0/channels')).json.channels;
    expect(listed.find((c: { id: string }) => c.id === hook.json.id)).not.toHaveProperty('enabledGraphImage');
    expect(listed.find((c: { id: string }) => c.id === slack.id)).toHaveProperty('enabledGraphImage', false); // put back to false by the PUT above

    for (const bad of [
      { name: 'x', type: 'email', emails: ['not an address'] },
      { name: 'x', type: 'email', userIds: ['someone-else'] },
      { name: 'x', type: 'webhook', url: 'javascript:alert(1)' },
      { name: 'x', type: 'webhook', url: 'https://e.com', events: ['everything'] },
      { name: 'x', type: 'chatwork' },
      { name: 'x'.repeat(10_000), type: 'webhook', url: 'https://e.com' },
    ]) {
      const res = await call('POST', '/api/v0/channels', bad);
      expect(res.status, JSON.stringify(bad).slice(0, 60)).toBe(400);
    }
    expect((await call('DELETE', '/api/v0/channels/default-channel')).status).toBe(400);
    expect((await call('DELETE', `/api/v0/channels/${email.json.id}`)).json.id).toBe(email.json.id);
    expect(
      (await call('GET', '/api/v0/notification-groups')).json.notificationGroups[0].childChannelIds,
    ).toEqual(['default-channel']);
    expect((await call('DELETE', `/api/v0/channels/${email.json.id}`)).status).toBe(404);
  });

  it('creates groups with monitors and services, refuses unknown references, protects the default group', async () => {
    const monitor = (await call('GET', '/api/v0/monitors')).json.monitors[0];
    const hook = (
      await call('POST', '/api/v0/channels', {
        name: 'h',
        type: 'webhook',
        url: 'https://hooks.example.com/x',
        mentions: {},
      })
    ).json;
    const body = {
      name: 'shop on-call',
      notificationLevel: 'critical',
      childNotificationGroupIds: null,
      childChannelIds: [hook.id],
      monitors: [{ id: monitor.id, skipDefault: true }],
      services: [{ name: 'shop' }],
    };
    const group = await call('POST', '/api/v0/notification-groups', body);
    expect(group.json).toEqual({
      ...body,
      id: expect.any(String),
      type: 'group',
      childNotificationGroupIds: [],
    });
    const renamed = await call('PUT', `/api/v0/notification-groups/${group.json.id}`, {
      ...body,
      name: 'shop',
    });
    expect(renamed.json.name).toBe('shop');
    for (const bad of [
      { ...body, childChannelIds: ['nope'] },
      { ...body, monitors: [{ id: 'nope' }] },
      { ...body, services: [{ name: 'nope' }] },
      { ...body, childNotificationGroupIds: ['nope'] },
      { ...body, notificationLevel: 'some' },
    ])
      expect((await call('POST', '/api/v0/notification-groups', bad)).status).toBe(400);
    expect(
      (
        await call('PUT', '/api/v0/notification-groups/default-group', {
          name: 'Other',
          notificationLevel: 'all',
        })
      ).status,
    ).toBe(400);
    expect((await call('DELETE', '/api/v0/notification-groups/default-group')).status).toBe(400);
    expect((await call('DELETE', `/api/v0/notification-groups/${group.json.id}`)).json.name).toBe('shop');
    expect((await call('DELETE', `/api/v0/notification-groups/${group.json.id}`)).status).toBe(404);
  });

  it('creates, updates and deletes downtimes, one-off and recurring, validating scopes', async () => {
    const monitor = (await call('GET', '/api/v0/monitors')).json.monitors[0];
    const body = {
      name: 'weekly patching',
      memo: 'Wednesdays',
      start: 1_800_000_000,
      duration: 60,
      recurrence: { type: 'weekly', interval: 1, weekdays: ['Wednesday'], until: 1_900_000_000 },
      serviceScopes: ['shop'],
      roleExcludeScopes: ['shop:web'],
      monitorScopes: [monitor.id],
    };
    const created = await call('POST', '/api/v0/downtimes', body);
    expect(created.json).toEqual({ ...body, id: expect.any(String) });
    const updated = await call('PUT', `/api/v0/downtimes/${created.json.id}`, {
      name: 'once',
      start: 1_800_000_000,
      duration: 30,
    });
    expect(updated.json).toEqual({ id: created.json.id, name: 'once', start: 1_800_000_000, duration: 30 });
    expect((await call('GET', '/api/v0/downtimes')).json.downtimes).toEqual([updated.json]);
    for (const bad of [
      { ...body, serviceScopes: ['nope'] },
      { ...body, roleScopes: ['shop:nope'] },
      { ...body, monitorScopes: ['nope'] },
      { ...body, serviceExcludeScopes: ['shop'] },
      { ...body, recurrence: { type: 'daily', interval: 1, weekdays: ['Monday'] } },
      { ...body, recurrence: { type: 'fortnightly', interval: 1 } },
      { ...body, duration: 0 },
      { ...body, start: 'now' },
    ])
      expect((await call('POST', '/api/v0/downtimes', bad)).status, JSON.stringify(bad).slice(0, 80)).toBe(
        400,
      );
    expect((await call('PUT', '/api/v0/downtimes/nope', body)).status).toBe(404);
    expect((await call('DELETE', `/api/v0/downtimes/${created.json.id}`)).json.name).toBe('once');
    expect((await call('DELETE', `/api/v0/downtimes/${created.json.id}`)).status).toBe(404);
  });

  it('lists and removes users; an invitation adds the user at once; the owner stays', async () => {
    const owner = await addUser(server.runtime.deps, 'default', 'owner@example.com', 'owner');
    const invited = await call('POST', '/api/v0/invitations', {
      email: 'new@example.com',
      authority: 'viewer',
    });
    expect(invited.json).toEqual({
      email: 'new@example.com',
      authority: 'viewer',
      expiresAt: expect.any(Number),
    });
    expect(
      (await call('POST', '/api/v0/invitations', { email: 'new@example.com', authority: 'viewer' })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/v0/invitations', { email: 'owner@example.com', authority: 'viewer' })).status,
    ).toBe(400);
    expect((await call('GET', '/api/v0/invitations')).json.invitations).toEqual([invited.json]);
    const users = (await call('GET', '/api/v0/users')).json.users;
    const fresh = users.find((u: { email: string }) => u.email === 'new@example.com');
    expect(fresh).toMatchObject({
      authority: 'viewer',
      isInRegistrationProcess: true,
      joinedAt: expect.any(Number),
      screenName: 'new',
    });
    expect((await call('POST', '/api/v0/invitations/revoke', { email: 'new@example.com' })).json).toEqual({
      success: true,
    });
    expect(
      (await call('GET', '/api/v0/users')).json.users.map((u: { email: string }) => u.email),
    ).not.toContain('new@example.com');
    expect((await call('POST', '/api/v0/invitations/revoke', { email: 'new@example.com' })).status).toBe(404);
    expect((await call('DELETE', `/api/v0/users/${owner.id}`)).status).toBe(403);
    const dev = users.find((u: { email: string }) => u.email === 'dev@example.com');
    expect((await call('DELETE', `/api/v0/users/${dev.id}`)).json.email).toBe('dev@example.com');
    expect((await call('DELETE', `/api/v0/users/${dev.id}`)).status).toBe(404);
    expect((await call('POST', '/api/v0/invitations', { email: 'x', authority: 'viewer' })).status).toBe(400);
    expect(
      (await call('POST', '/api/v0/invitations', { email: 'y@example.com', authority: 'owner' })).status,
    ).toBe(400);
  });
});

describe('email through SMTP when configured', () => {
  let smtp: SMTPServer;
  const received: { to: string[]; data: string }[] = [];
  let server: TestServer;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString();
        });
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({
      env: {
        SABA_SMTP_HOST: '127.0.0.1',
        SABA_SMTP_PORT: String(port),
        SABA_SENDER_EMAIL: 'saba@example.com',
        SABA_CONNECTIVITY_TIMEOUT_SECONDS: '1',
      },
    });
  });
  afterAll(async () => {
    await server.destroy();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the alert email to the organization’s users through the SMTP server', async () => {
    await addUser(server.runtime.deps, 'default', 'sre@example.com', 'owner');
    const call = clientFor(server, server.key);
    await call('POST', '/api/v0/hosts', agentHostBody({ name: 'mailer' }));
    // Whole seconds count: the host is silent for more than 1 s after at most 2 s. Then the checker
    // queues the email and the delivery runs at once; generous deadline for a loaded CI machine.
    for (let i = 0; i < 100 && received.length === 0; i++) {
      await server.runtime.monitoring.check();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(received, `queued: ${await server.runtime.deps.notifications.pending()}`).toHaveLength(1);
    expect(received[0]?.to).toEqual(['sre@example.com']);
    expect(received[0]?.data).toMatch(/^Subject: \[saba\] \[default\] CRITICAL: connectivity on mailer/m);
    expect(received[0]?.data).toMatch(/^From: saba@example.com/m);
  });
});
