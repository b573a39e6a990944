/**
 * The mail texts a profile may replace: the server's template names, placeholders and default
 * texts (src/invoicing/mail-templates.ts, a module without server dependencies), so the form
 * shows the standard text the seller would replace and the placeholders the server accepts.
 */
export {
  DEFAULT_MAIL_TEMPLATES,
  MAIL_TEMPLATE_KEYS,
  placeholdersOf,
} from '../../../../src/invoicing/mail-templates.js';
export type { MailTemplateKey } from '../../../../src/invoicing/mail-templates.js';
export { DOCUMENT_LANGUAGES } from '../../../../src/invoicing/document-snapshot.js';
export type { DocumentLanguage } from '../../../../src/invoicing/document-snapshot.js';
