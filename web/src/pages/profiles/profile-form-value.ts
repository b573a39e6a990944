/**
 * The seller profile form's state: every setting the API takes, as the form edits it (texts,
 * lists as one line each, the tax rate in percent), converted to the API's settings and back.
 * Problems are keyed by the API's field paths (`name`, `settings.invoiceSeries.prefix`), so the
 * browser's own checks and the server's refusals land at the same field.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/api-error.js';
import { DOCUMENT_LANGUAGES, MAIL_TEMPLATE_KEYS } from './mail-texts.js';
import type { DocumentLanguage, MailTemplateKey } from './mail-texts.js';
import type { CreateProfileBody, ProfileSettingsBody, SellerProfile } from './profile-queries.js';

export type TaxKind = ProfileSettingsBody['taxMode']['kind'];
export const TAX_KINDS: readonly TaxKind[] = [
  'vat_included',
  'small_business',
  'reverse_charge',
  'israel_vat',
];
const RATED: ReadonlySet<TaxKind> = new Set(['vat_included', 'israel_vat']);

export interface SeriesValue {
  prefix: string;
  yearlyReset: boolean;
  width: string;
  startAt: string;
}

export type TemplatesValue = Record<
  DocumentLanguage,
  Record<MailTemplateKey, { subject: string; body: string }>
>;

export interface ProfileFormValue {
  name: string;
  invoicing: boolean;
  legalName: string;
  /** One line each. */
  addressLines: string;
  countryCode: string;
  vatId: string;
  taxNumber: string;
  email: string;
  contactLines: string;
  bankLines: string;
  footer: string;
  defaultLanguage: DocumentLanguage;
  timeZone: string;
  taxKind: TaxKind;
  /** Percent, e.g. `19` or `7,7`. */
  taxRate: string;
  invoiceSeries: SeriesValue;
  creditNoteSeries: SeriesValue;
  issueForPlatformSales: boolean;
  issueForTestPayments: boolean;
  eInvoice: boolean;
  toBuyer: boolean;
  sellerRecipients: string;
  replyTo: string;
  templates: TemplatesValue;
}

/** Field path → what is wrong there. */
export type ProfileProblems = ReadonlyMap<string, string>;

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

function emptyTemplates(): TemplatesValue {
  return Object.fromEntries(
    DOCUMENT_LANGUAGES.map((language) => [
      language,
      Object.fromEntries(MAIL_TEMPLATE_KEYS.map((key) => [key, { subject: '', body: '' }])),
    ]),
  ) as TemplatesValue;
}

/** Suggestions for a new profile by the language the user works in; the seller checks them. */
const SUGGESTIONS: Readonly<
  Record<
    DocumentLanguage,
    { countryCode: string; taxKind: TaxKind; taxRate: string; invoice: string; creditNote: string }
  >
> = {
  de: {
    countryCode: 'DE',
    taxKind: 'vat_included',
    taxRate: '19',
    invoice: 'RE',
    creditNote: 'GS',
  },
  it: {
    countryCode: 'IT',
    taxKind: 'vat_included',
    taxRate: '22',
    invoice: 'FT',
    creditNote: 'NC',
  },
  he: {
    countryCode: 'IL',
    taxKind: 'israel_vat',
    taxRate: '18',
    invoice: 'INV',
    creditNote: 'CRN',
  },
  en: { countryCode: '', taxKind: 'vat_included', taxRate: '', invoice: 'INV', creditNote: 'CRN' },
};

export function browserTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function newProfileValue(language: string): ProfileFormValue {
  const lang: DocumentLanguage = (DOCUMENT_LANGUAGES as readonly string[]).includes(language)
    ? (language as DocumentLanguage)
    : 'en';
  const suggested = SUGGESTIONS[lang];
  const series = (prefix: string): SeriesValue => ({
    prefix,
    yearlyReset: true,
    width: '6',
    startAt: '1',
  });
  return {
    name: '',
    invoicing: false,
    legalName: '',
    addressLines: '',
    countryCode: suggested.countryCode,
    vatId: '',
    taxNumber: '',
    email: '',
    contactLines: '',
    bankLines: '',
    footer: '',
    defaultLanguage: lang,
    timeZone: browserTimeZone(),
    taxKind: suggested.taxKind,
    taxRate: suggested.taxRate,
    invoiceSeries: series(suggested.invoice),
    creditNoteSeries: series(suggested.creditNote),
    issueForPlatformSales: false,
    issueForTestPayments: false,
    eInvoice: false,
    toBuyer: true,
    sellerRecipients: '',
    replyTo: '',
    templates: emptyTemplates(),
  };
}

function percentOf(basisPoints: number): string {
  return String(basisPoints / 100);
}

export function profileValue(profile: SellerProfile): ProfileFormValue {
  const s = profile.settings;
  const series = (value: SellerProfile['settings']['invoiceSeries']): SeriesValue => ({
    prefix: value.prefix,
    yearlyReset: value.yearlyReset,
    width: String(value.width),
    startAt: String(value.startAt),
  });
  const templates = emptyTemplates();
  for (const language of DOCUMENT_LANGUAGES) {
    for (const key of MAIL_TEMPLATE_KEYS) {
      const stored = s.templates[language]?.[key];
      if (stored) templates[language][key] = { subject: stored.subject, body: stored.body };
    }
  }
  return {
    name: profile.name,
    invoicing: profile.invoicing,
    legalName: s.legalName,
    addressLines: s.addressLines.join('\n'),
    countryCode: s.countryCode,
    vatId: s.vatId ?? '',
    taxNumber: s.taxNumber ?? '',
    email: s.email ?? '',
    contactLines: s.contactLines.join('\n'),
    bankLines: s.bankLines.join('\n'),
    footer: s.footer ?? '',
    defaultLanguage: s.defaultLanguage,
    timeZone: s.timeZone,
    taxKind: s.taxMode.kind,
    taxRate: 'rateBasisPoints' in s.taxMode ? percentOf(s.taxMode.rateBasisPoints) : '',
    invoiceSeries: series(s.invoiceSeries),
    creditNoteSeries: series(s.creditNoteSeries),
    issueForPlatformSales: s.issueForPlatformSales,
    issueForTestPayments: s.issueForTestPayments,
    eInvoice: s.eInvoice,
    toBuyer: s.mail.toBuyer,
    sellerRecipients: s.mail.sellerRecipients.join('\n'),
    replyTo: s.mail.replyTo ?? '',
    templates,
  };
}

/** `19` or `7,7` percent as basis points (1900, 770); NaN when it is not a number. */
export function basisPointsOf(percent: string): number {
  const text = percent.trim().replace(',', '.');
  return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : Number.NaN;
}

/** Series settings as the API takes them; non-numbers stay NaN for the checks (and the server) to name. */
export function seriesOf(value: SeriesValue): {
  prefix: string;
  yearlyReset: boolean;
  width: number;
  startAt: number;
} {
  const whole = (text: string): number =>
    /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  return {
    prefix: value.prefix.trim(),
    yearlyReset: value.yearlyReset,
    width: whole(value.width),
    startAt: whole(value.startAt),
  };
}

function taxModeOf(value: ProfileFormValue): ProfileSettingsBody['taxMode'] {
  const rateBasisPoints = basisPointsOf(value.taxRate);
  switch (value.taxKind) {
    case 'vat_included':
      return { kind: 'vat_included', rateBasisPoints };
    case 'israel_vat':
      return { kind: 'israel_vat', rateBasisPoints };
    case 'small_business':
      return { kind: 'small_business' };
    case 'reverse_charge':
      return { kind: 'reverse_charge' };
  }
}

function templatesOf(value: TemplatesValue): NonNullable<ProfileSettingsBody['templates']> {
  const out: NonNullable<ProfileSettingsBody['templates']> = {};
  for (const language of DOCUMENT_LANGUAGES) {
    for (const key of MAIL_TEMPLATE_KEYS) {
      const { subject, body } = value[language][key];
      if (subject.trim() === '' && body.trim() === '') continue;
      out[language] = { ...out[language], [key]: { subject: subject.trim(), body } };
    }
  }
  return out;
}

export function settingsOf(value: ProfileFormValue): ProfileSettingsBody {
  return {
    legalName: value.legalName.trim(),
    addressLines: lines(value.addressLines),
    countryCode: value.countryCode.trim().toUpperCase(),
    vatId: orNull(value.vatId),
    taxNumber: orNull(value.taxNumber),
    email: orNull(value.email),
    contactLines: lines(value.contactLines),
    bankLines: lines(value.bankLines),
    footer: orNull(value.footer),
    defaultLanguage: value.defaultLanguage,
    timeZone: value.timeZone,
    taxMode: taxModeOf(value),
    invoiceSeries: seriesOf(value.invoiceSeries),
    creditNoteSeries: seriesOf(value.creditNoteSeries),
    issueForPlatformSales: value.issueForPlatformSales,
    issueForTestPayments: value.issueForTestPayments,
    eInvoice: value.eInvoice,
    mail: {
      toBuyer: value.toBuyer,
      sellerRecipients: lines(value.sellerRecipients),
      replyTo: orNull(value.replyTo),
    },
    templates: templatesOf(value.templates),
  };
}

export function createBodyOf(value: ProfileFormValue): CreateProfileBody {
  return { name: value.name.trim(), invoicing: value.invoicing, settings: settingsOf(value) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the browser can tell before sending: required fields, numbers, e-mail addresses, both parts of a mail text. */
export function checkProfile(t: TFunction, value: ProfileFormValue): ProfileProblems {
  const problems = new Map<string, string>();
  const required = (path: string, text: string): void => {
    if (text.trim() === '') problems.set(path, t('form.problem.required'));
  };
  required('name', value.name);
  required('settings.legalName', value.legalName);
  required('settings.addressLines', value.addressLines);
  if (!/^[A-Za-z]{2}$/.test(value.countryCode.trim()))
    problems.set('settings.countryCode', t('profiles.problem.country'));
  required('settings.timeZone', value.timeZone);
  if (RATED.has(value.taxKind)) {
    const rate = basisPointsOf(value.taxRate);
    if (Number.isNaN(rate) || rate > 10_000)
      problems.set('settings.taxMode.rateBasisPoints', t('profiles.problem.rate'));
  }
  for (const name of ['invoiceSeries', 'creditNoteSeries'] as const) {
    const series = seriesOf(value[name]);
    if (!/^[A-Za-z0-9]*$/.test(series.prefix))
      problems.set(`settings.${name}.prefix`, t('profiles.problem.prefix'));
    if (Number.isNaN(series.width) || series.width < 1 || series.width > 12)
      problems.set(`settings.${name}.width`, t('form.problem.integer'));
    if (Number.isNaN(series.startAt) || series.startAt < 1)
      problems.set(`settings.${name}.startAt`, t('form.problem.integer'));
  }
  if (seriesOf(value.invoiceSeries).prefix === seriesOf(value.creditNoteSeries).prefix)
    problems.set('settings.creditNoteSeries.prefix', t('profiles.problem.samePrefix'));
  for (const [path, text] of [
    ['settings.email', value.email],
    ['settings.mail.replyTo', value.replyTo],
  ] as const) {
    if (text.trim() !== '' && !EMAIL.test(text.trim())) problems.set(path, t('form.problem.email'));
  }
  if (lines(value.sellerRecipients).some((address) => !EMAIL.test(address)))
    problems.set('settings.mail.sellerRecipients', t('form.problem.email'));
  for (const language of DOCUMENT_LANGUAGES) {
    for (const key of MAIL_TEMPLATE_KEYS) {
      const { subject, body } = value.templates[language][key];
      if ((subject.trim() === '') !== (body.trim() === ''))
        problems.set(
          `settings.templates.${language}.${key}.${subject.trim() === '' ? 'subject' : 'body'}`,
          t('profiles.problem.templateBoth'),
        );
    }
  }
  return problems;
}

/** `settings.addressLines.2` → `settings.addressLines`: list entries are shown at their list's field. */
function fieldPathOf(path: string): string {
  return path.replace(/(\.\d+)+$/, '');
}

/** The fields a refusal of the server names, at their paths (empty when it names none). */
export function problemsOfRefusal(t: TFunction, error: unknown): ProfileProblems {
  if (!(error instanceof ApiError)) return new Map();
  return new Map(
    error.fields.map((field) => [
      fieldPathOf(field.path),
      t('form.problem.server', { text: field.problem }),
    ]),
  );
}
