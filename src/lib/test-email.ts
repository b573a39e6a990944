/**
 * The admin UI's "send a test e-mail": one short message through the configured mailer, so an
 * operator sees whether SMTP works before a connection's error e-mail depends on it. A failure
 * is an answer (`ok: false` with the reason), not an error of the request.
 */
import type { Mailer } from './mailer.js';

export async function sendTestEmail(
  mailer: Mailer,
  to: string,
  now: Date,
): Promise<{ ok: boolean; message: string }> {
  const result = await mailer.send({
    to: [to],
    subject: 'ipnhub test e-mail',
    text: `This is a test e-mail from ipnhub, sent ${now.toISOString()} from the settings page.\nError e-mails of your connections are sent the same way.\n`,
  });
  if (!result.ok) return { ok: false, message: result.error };
  if (result.file !== undefined)
    return {
      ok: true,
      message: `No SMTP server is configured: the mail was written to ${result.file}.`,
    };
  return {
    ok: true,
    message: `The SMTP server accepted the mail (Message-ID ${result.messageId}).`,
  };
}
