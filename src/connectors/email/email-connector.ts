/**
 * The `email` connector: one plain-text mail per event, subject and body rendered from
 * templates, sent through the server's mailer (SMTP, or `.eml` files when none is configured).
 * The Message-ID is derived from the delivery id, so a retried mail carries the same id and
 * mail clients can recognise the duplicate. Transient SMTP failures (connection, 4xx) are
 * retried; permanent ones (5xx, refused login) fail with the server's text.
 */
import type { Connector } from '../connector.js';
import { renderTemplate, templateScope } from '../template.js';
import { emailConfigSchema } from './config.js';
import type { EmailConfig } from './config.js';

export type { EmailConfig } from './config.js';

/** `<dlv_…@ipnhub>`: stable across attempts of one delivery. */
export function deliveryMessageId(deliveryId: string): string {
  return `<${deliveryId}@ipnhub>`;
}

/** The e-mail connector; a plain object that satisfies `Connector<EmailConfig>`. */
export function emailConnector() {
  return {
    id: 'email',
    displayName: 'E-mail',
    description:
      "Sends a plain-text e-mail per event to fixed addresses, e.g. a new-order notice to the seller. Uses the server's SMTP settings (IPNHUB_SMTP_URL); without them mails are written as .eml files to the data directory. The connection test checks the SMTP connection and login without sending anything.",
    configSchema: emailConfigSchema,
    secretFields: [],

    async deliver(event, config, ctx) {
      const scope = templateScope(event);
      // Line breaks in a subject would be folded into the header by the mailer; keep it one line.
      const subject = renderTemplate(config.subject, scope)
        .replace(/[\r\n]+/g, ' ')
        .trim();
      const result = await ctx.mailer.send({
        to: config.to,
        subject,
        text: renderTemplate(config.body, scope),
        messageId: deliveryMessageId(ctx.deliveryId),
        ...(config.replyTo !== undefined ? { replyTo: config.replyTo } : {}),
      });
      if (result.ok)
        return {
          outcome: 'delivered',
          response: result.file ? `written to ${result.file}` : `sent as ${result.messageId}`,
        };
      return result.transient
        ? { outcome: 'retry', reason: result.error }
        : { outcome: 'failed', reason: result.error };
    },

    testConnection(_config, ctx) {
      return ctx.mailer.verify();
    },
  } satisfies Connector<EmailConfig>;
}
