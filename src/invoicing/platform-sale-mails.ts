/**
 * The mails of a Digistore24 sale (docs/invoicing.md, "Who issues documents"): Digistore24 is
 * the merchant of record and sends the buyer its own invoice, so a payment of a Digistore24
 * source whose profile has invoicing on (and `issueForPlatformSales` off) gets no document.
 * Instead the seller's "new order" mail and, when the profile mails buyers, the buyer's mail go
 * out with the links to Digistore24's invoice and receipt from the IPN (`order.invoiceUrl`,
 * `order.receiptUrl`), and no attachment.
 *
 * Each mail is a `platform_sale_mails` row written in the transaction that settles the payment's
 * document job (issue.ts), so it is queued exactly when the job is done; its claim key (profile,
 * the payment's transaction id, role) keeps it to one mail per payment and role, also when the
 * same payment reaches the profile through two sources. The worker sends it with retries
 * (mail-jobs.ts) and records what was sent. Its text is made when it is sent, from the
 * stored event and the profile's templates (`buyerPlatformSale`, `sellerPlatformSale`).
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import type { MailMessage } from '../lib/mailer.js';
import { buyerOf, documentLanguage } from './build-snapshot.js';
import { mailDate, mailMoney, recipientsOf, templatedMail } from './document-mails.js';
import { MAIL_ROLES } from './mail-rows.js';
import type { MailRole } from './mail-rows.js';
import { pendingMailRow } from './mail-rows.js';
import type { PlatformSalePlaceholder } from './mail-templates.js';
import type { ProfileForIssue } from './profile-settings.js';
import type { ProfileSettings } from './profile-settings.js';

/** Queues the sale's mails for those who get them (none for a payment without an amount); returns how many were new. */
export async function queuePlatformSaleMails(
  trx: Kysely<Database>,
  profile: ProfileForIssue,
  event: CanonicalEvent,
  now: string,
): Promise<number> {
  const payment = event.order?.transactionId ?? `event:${event.id}`;
  let queued = 0;
  for (const role of MAIL_ROLES) {
    const recipients = recipientsOf(role, event.buyer?.email ?? null, profile.settings);
    if (recipients.length === 0) continue;
    const inserted = await trx
      .insertInto('platform_sale_mails')
      .values({
        ...pendingMailRow(newId('platformSaleMail'), role, recipients, now),
        claim_key: `${profile.id}:${payment}:${role}`,
        event_id: event.id,
        profile_id: profile.id,
      })
      .onConflict((oc) => oc.column('claim_key').doNothing())
      .returning('id')
      .execute();
    queued += inserted.length;
  }
  return queued;
}

/** A link as the mail prints it: the URL, or a dash when the IPN carried none. */
function link(url: string | null | undefined): string {
  return url === null || url === undefined || url.trim() === '' ? '—' : url;
}

function placeholders(
  event: CanonicalEvent,
  settings: ProfileSettings,
): Record<PlatformSalePlaceholder, string> {
  const language = documentLanguage(event, settings.defaultLanguage);
  const order = event.order;
  const currency = order?.currency ?? null;
  const money = (minor: number | null): string =>
    minor === null || currency === null ? '' : mailMoney(minor, currency, language);
  const buyer = buyerOf(event.buyer);
  return {
    paymentDate: mailDate(event.occurredAt, language, settings.timeZone),
    sellerName: settings.legalName,
    buyerName: buyer.name,
    buyerEmail: buyer.email ?? '',
    total: money(order?.amount ?? null),
    orderId: order?.id ?? '',
    transactionId: order?.transactionId ?? '',
    lines: (order?.items ?? [])
      .map(
        (item) =>
          `- ${item.quantity} × ${item.name ?? item.productId}${item.amount === null ? '' : `: ${money(item.amount)}`}`,
      )
      .join('\n'),
    invoiceUrl: link(order?.invoiceUrl),
    receiptUrl: link(order?.receiptUrl),
  };
}

/**
 * The message for one mail row: the profile's text for the role in the buyer's language (the
 * profile's default when the buyer's is not one of de, en, it, he), its own when it set one,
 * else the default; no attachment.
 */
export function composePlatformSaleMail(
  mail: { id: string; role: MailRole; recipients: readonly string[] },
  event: CanonicalEvent,
  settings: ProfileSettings,
): MailMessage {
  const language = documentLanguage(event, settings.defaultLanguage);
  const key = mail.role === 'buyer' ? 'buyerPlatformSale' : 'sellerPlatformSale';
  return templatedMail(
    mail,
    settings,
    language,
    key,
    placeholders(event, settings),
    settings.mail.replyTo ?? settings.email,
  );
}
