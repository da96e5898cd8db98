import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { EmailSender } from '../../ports/notifications.ts';

/** SES allows 50 recipients a message. */
const MAX_RECIPIENTS = 50;

/** On AWS: SES SendEmail from the configured (verified) sender. */
export function sesEmailSender(
  from: string,
  options: { region?: string; endpoint?: string } = {},
): EmailSender {
  const ses = new SESClient({
    ...(options.region && { region: options.region }),
    ...(options.endpoint && { endpoint: options.endpoint }),
  });
  return {
    async send(message) {
      for (let i = 0; i < message.to.length; i += MAX_RECIPIENTS) {
        await ses.send(
          new SendEmailCommand({
            Source: from,
            Destination: { ToAddresses: message.to.slice(i, i + MAX_RECIPIENTS) },
            Message: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          }),
        );
      }
    },
  };
}
