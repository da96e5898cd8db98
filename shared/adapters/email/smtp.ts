import { createTransport } from 'nodemailer';
import type { EmailSender } from '../../ports/notifications.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** Local mode with SMTP configured: every email through that server, with timeouts. */
export function smtpEmailSender(s: SmtpSettings): EmailSender {
  const transport = createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user && { auth: { user: s.user, pass: s.password ?? '' } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: s.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${message.deliveryId}@saba.local>`,
        headers: { 'X-Saba-Delivery-Id': message.deliveryId },
      });
    },
  };
}
