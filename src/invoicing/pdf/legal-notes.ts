/**
 * The notes a document must carry when it charges no VAT, per tax mode and the seller's country,
 * in the document's language. Which law asks for which words is in docs/invoicing.md
 * ("Documents"); the wording here is ours.
 */
import type { DocumentLanguage, DocumentSnapshot } from '../document-snapshot.js';

export interface LegalNoteTexts {
  /** German small business: § 19 UStG, no VAT charged. */
  smallBusinessGermany: string;
  /** Italian flat-rate scheme (regime forfettario): Law 190/2014, art. 1, paragraphs 54 to 89. */
  smallBusinessItaly: string;
  /** Israeli exempt dealer (עוסק פטור). */
  smallBusinessIsrael: string;
  /** A small-business exemption of another country, which ipnhub cannot cite by law. */
  smallBusinessOther: string;
  /** EU B2B: the recipient owes the VAT (Art. 196 of Directive 2006/112/EC). */
  reverseCharge: string;
}

export const LEGAL_NOTES: Record<DocumentLanguage, LegalNoteTexts> = {
  de: {
    smallBusinessGermany:
      'Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmerregelung).',
    smallBusinessItaly:
      'Keine Umsatzsteuer: Pauschalregelung (regime forfettario) nach Art. 1 Abs. 54 bis 89 des italienischen Gesetzes Nr. 190/2014.',
    smallBusinessIsrael:
      'Keine Umsatzsteuer: befreiter Unternehmer (Osek Patur) nach israelischem Umsatzsteuerrecht.',
    smallBusinessOther: 'Keine Umsatzsteuer: Steuerbefreiung für Kleinunternehmer.',
    reverseCharge:
      'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge): Die Umsatzsteuer schuldet der Leistungsempfänger (Art. 196 MwStSystRL).',
  },
  en: {
    smallBusinessGermany:
      'No VAT charged: small-business exemption under § 19 UStG (German VAT Act).',
    smallBusinessItaly:
      'No VAT charged: flat-rate scheme (regime forfettario) under Art. 1, paragraphs 54 to 89, of Italian Law No. 190/2014.',
    smallBusinessIsrael: 'No VAT charged: exempt dealer (Osek Patur) under Israeli VAT law.',
    smallBusinessOther: 'No VAT charged: small-business exemption.',
    reverseCharge:
      'Reverse charge: the recipient of the service is liable for the VAT (Art. 196 of Directive 2006/112/EC).',
  },
  it: {
    smallBusinessGermany:
      'IVA non applicata: regime dei piccoli imprenditori ai sensi del § 19 UStG (legge tedesca sull’IVA).',
    smallBusinessItaly:
      'Operazione effettuata ai sensi dell’art. 1, commi da 54 a 89, della Legge n. 190/2014 (regime forfettario): IVA non applicata.',
    smallBusinessIsrael:
      'IVA non applicata: operatore esente (Osek Patur) secondo la legge israeliana sull’IVA.',
    smallBusinessOther: 'IVA non applicata: regime di esenzione per piccole imprese.',
    reverseCharge:
      'Inversione contabile (reverse charge): l’imposta è dovuta dal committente (art. 196 della Direttiva 2006/112/CE).',
  },
  he: {
    smallBusinessGermany: 'לא נגבה מע״מ: פטור לעסק קטן לפי סעיף 19 לחוק מע״מ הגרמני (§ 19 UStG).',
    smallBusinessItaly:
      'לא נגבה מע״מ: מסלול מס קבוע באיטליה (regime forfettario), חוק 190/2014, סעיף 1, פסקאות 54 עד 89.',
    smallBusinessIsrael: 'עוסק פטור: לא נגבה מע״מ.',
    smallBusinessOther: 'לא נגבה מע״מ: פטור לעסק קטן.',
    reverseCharge:
      'חיוב הפוך (Reverse charge): מקבל השירות חייב במע״מ (סעיף 196 להנחיה 2006/112/EC של האיחוד האירופי).',
  },
};

/** The legal notes this document prints (none when it charges VAT). */
export function legalNotes(snapshot: DocumentSnapshot): string[] {
  const texts = LEGAL_NOTES[snapshot.language];
  switch (snapshot.taxMode.kind) {
    case 'small_business':
      switch (snapshot.seller.countryCode?.toUpperCase()) {
        case 'DE':
          return [texts.smallBusinessGermany];
        case 'IT':
          return [texts.smallBusinessItaly];
        case 'IL':
          return [texts.smallBusinessIsrael];
        default:
          return [texts.smallBusinessOther];
      }
    case 'reverse_charge':
      return [texts.reverseCharge];
    case 'vat_included':
    case 'israel_vat':
      return [];
  }
}
