/**
 * The `contact` object of Quentn's create call (docs/protocols/quentn.md#endpoints): the mapped
 * fields, the field assignments, and `mail` (always the buyer's e-mail: the duplicate check
 * keys on it). Empty values are left out so a sparse event never blanks out what Quentn knows.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { applyMapping, isEmptyValue, templateScope } from '../template.js';
import { effectiveMapping } from './config.js';
import type { QuentnAction, QuentnConfig } from './config.js';

/** The contact fields for `event`; `mail` is `email`. */
export function contactFields(
  event: CanonicalEvent,
  email: string,
  config: Pick<QuentnConfig, 'mapping' | 'fieldAssignments'>,
): Record<string, unknown> {
  const mapped = applyMapping(effectiveMapping(config), templateScope(event));
  const contact: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(mapped)) {
    if (isEmptyValue(value)) continue;
    contact[field] = value;
  }
  contact.mail = email;
  return contact;
}

/**
 * Whether a contact created by this event gets a confirmed e-mail: the two options of Quentn's
 * Digistore24 integration (docs/protocols/quentn.md#e-mail-confirmation) — the buyer's newsletter consent, or every buyer.
 */
export function wantsConfirmedEmail(
  event: CanonicalEvent,
  action: QuentnAction,
  emailStatus: QuentnConfig['emailStatus'],
): boolean {
  if (!action.setEmailStatus) return false;
  switch (emailStatus.mode) {
    case 'newsletter_consent':
      return event.buyer?.newsletterConsent === true;
    case 'confirm_all':
      return true;
    case 'unchanged':
      return false;
  }
}
