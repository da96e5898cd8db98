import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmailMessage, EmailSender } from '../../ports/notifications.ts';

/** RFC 2047 for a header that is not plain ASCII. */
const header = (text: string) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;

/**
 * The message as an RFC 5322 file (the text part base64, so any character survives). Its Message-ID
 * comes from the delivery, so a resent copy carries the same one.
 */
export function toEml(from: string, message: EmailMessage, now: Date): string {
  return [
    `From: ${from}`,
    `To: ${message.to.join(', ')}`,
    `Subject: ${header(message.subject)}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${message.deliveryId}@saba.local>`,
    `X-Saba-Delivery-Id: ${message.deliveryId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    (
      Buffer.from(message.text)
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\r\n'),
    '',
  ].join('\r\n');
}

/** Local mode without SMTP: one `.eml` file per email in `<data dir>/outbox/`, written whole (temp + rename not needed: unique names). */
export function outboxEmailSender(dir: string, from: string): EmailSender {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    async send(message) {
      const now = new Date();
      const id = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
      writeFileSync(join(dir, `${id}.eml`), toEml(from, message, now), { mode: 0o600, flag: 'wx' });
    },
  };
}
