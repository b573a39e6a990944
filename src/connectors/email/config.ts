/**
 * Configuration of the `email` connector: recipients, subject and body templates (rendered
 * with the shared template engine, see `../template.ts`) and an optional Reply-To.
 */
import * as z from 'zod';
import { templateSchema } from '../template.js';

export const DEFAULT_SUBJECT = '[ipnhub] {event} — order {order.id}';

export const DEFAULT_BODY = [
  'Event:    {event}',
  'Order:    {order.id} (transaction {order.transactionId|default:-})',
  'Product:  {product.name|default:-} ({product.productId|default:-})',
  'Amount:   {amount|default:-} {order.currency}',
  'Buyer:    {buyer.firstName} {buyer.lastName} <{buyer.email|default:no e-mail}>',
  'Time:     {occurredAt}',
  'Source:   {source.provider} ({source.id})',
  '',
  '— sent by ipnhub',
].join('\n');

const template = (fallback: string) => templateSchema().default(fallback);

/** Validates an e-mail connection's config; templates are checked with `validateTemplate`. */
export const emailConfigSchema = z.strictObject({
  to: z.array(z.email()).min(1, 'at least one recipient is required').meta({
    title: 'Recipients',
    description: 'E-mail addresses that receive one mail per event.',
  }),
  subject: template(DEFAULT_SUBJECT).meta({
    title: 'Subject',
    description:
      'Template: {path} placeholders such as {event}, {order.id}, {buyer.email}; filters |money, |lower, |upper, |default:text.',
  }),
  body: template(DEFAULT_BODY).meta({
    title: 'Body',
    description:
      'Plain-text template with the same placeholders as the subject. The default is a readable summary of the event.',
  }),
  replyTo: z.email().optional().meta({
    title: 'Reply-To',
    description: 'Optional address replies go to, e.g. your support desk.',
  }),
});

export type EmailConfig = z.infer<typeof emailConfigSchema>;
