/**
 * The seller profile form: every setting the API takes, in the order a seller fills them in —
 * the business as printed, language and time zone, tax, numbering (with a live example of the
 * next number), mails and their texts, and the invoicing switch. The browser checks what it can
 * before sending; a refusal of the server is shown at the fields it names.
 */
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorDisplay } from '../../components/error-display.js';
import {
  CheckboxField,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/form-field.js';
import { SubmitButton } from '../../components/submit-button.js';
import { focusFirstProblem } from '../../schema-form/schema-form.js';
import { DOCUMENT_LANGUAGES } from './mail-texts.js';
import type { DocumentLanguage } from './mail-texts.js';
import { checkProfile, problemsOfRefusal, TAX_KINDS } from './profile-form-value.js';
import type { ProfileFormValue, TaxKind, TemplatesValue } from './profile-form-value.js';
import { SeriesFields } from './series-fields.js';
import { TemplateFields } from './template-fields.js';

export interface ProfileFormProps {
  initial: ProfileFormValue;
  /** The saved profile (whose counters the number examples read); null while adding. */
  profileId: string | null;
  submitLabel: string;
  busy: boolean;
  /** The server's refusal of the last save. */
  error: unknown;
  onSubmit(value: ProfileFormValue): void;
  onCancel?: () => void;
}

function timeZones(current: string): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) || current === '' ? zones : [current, ...zones];
}

interface TimeZoneFieldProps {
  value: string;
  error: string | undefined;
  disabled: boolean;
  onChange(timeZone: string): void;
}

/**
 * Every time zone the browser knows (over 400 options). Memoized with stable props, so a key
 * typed elsewhere in the form does not build and compare them all again.
 */
const TimeZoneField = memo(function TimeZoneField({
  value,
  error,
  disabled,
  onChange,
}: TimeZoneFieldProps) {
  const { t } = useTranslation();
  const options = useMemo(
    () => timeZones(value).map((zone) => ({ value: zone, label: zone })),
    [value],
  );
  return (
    <SelectField
      label={t('profiles.fields.timeZone')}
      help={t('profiles.fields.timeZoneHelp')}
      required
      value={value}
      options={options}
      error={error}
      disabled={disabled}
      onChange={onChange}
    />
  );
});

export function ProfileForm({
  initial,
  profileId,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: ProfileFormProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState<ProfileFormValue>(initial);
  const [checked, setChecked] = useState<ReadonlyMap<string, string>>(new Map());
  const form = useRef<HTMLFormElement>(null);
  // Problems, `set` and the handlers below keep their identity while nothing they depend on
  // changes: the memoized parts of the form (time zones, mail texts) then skip a key typed elsewhere.
  const refused = useMemo(() => problemsOfRefusal(t, error), [t, error]);
  const problems = useMemo(() => new Map([...refused, ...checked]), [refused, checked]);
  const problem = (path: string): string | undefined => problems.get(path);
  const set = useCallback(
    (patch: Partial<ProfileFormValue>): void => setValue((current) => ({ ...current, ...patch })),
    [],
  );
  const setTimeZone = useCallback((timeZone: string) => set({ timeZone }), [set]);
  const setTemplates = useCallback((templates: TemplatesValue) => set({ templates }), [set]);
  const text = (field: keyof ProfileFormValue & string, path = `settings.${field}`) => ({
    value: String(value[field]),
    error: problem(path),
    disabled: busy,
    onChange: (next: string) => set({ [field]: next } as Partial<ProfileFormValue>),
  });
  useLayoutEffect(() => {
    // After a refusal, to the first field it names (if any), in the commit that shows it.
    if (error) focusFirstProblem(form.current);
  }, [error]);
  const rated = value.taxKind === 'vat_included' || value.taxKind === 'israel_vat';

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = checkProfile(t, value);
    setChecked(found);
    if (found.size > 0) {
      queueMicrotask(() => focusFirstProblem(form.current));
      return;
    }
    onSubmit(value);
  };

  return (
    <form ref={form} className="form profile-form" onSubmit={submit} noValidate>
      <TextField
        label={t('profiles.fields.name')}
        help={t('profiles.fields.nameHelp')}
        required
        maxLength={200}
        {...text('name', 'name')}
      />
      <fieldset>
        <legend>{t('profiles.sections.business')}</legend>
        <TextField
          label={t('profiles.fields.legalName')}
          help={t('profiles.fields.legalNameHelp')}
          required
          maxLength={200}
          {...text('legalName')}
        />
        <TextAreaField
          label={t('profiles.fields.addressLines')}
          help={t('profiles.fields.linesHelp')}
          required
          rows={3}
          {...text('addressLines')}
        />
        <div className="field-grid">
          <TextField
            label={t('profiles.fields.countryCode')}
            help={t('profiles.fields.countryCodeHelp')}
            required
            maxLength={2}
            autoComplete="off"
            {...text('countryCode')}
          />
          <TextField
            label={t('profiles.fields.vatId')}
            help={t('profiles.fields.vatIdHelp')}
            maxLength={30}
            {...text('vatId')}
          />
          <TextField
            label={t('profiles.fields.taxNumber')}
            help={t('profiles.fields.taxNumberHelp')}
            maxLength={30}
            {...text('taxNumber')}
          />
          <TextField
            type="email"
            label={t('profiles.fields.email')}
            help={t('profiles.fields.emailHelp')}
            maxLength={320}
            {...text('email')}
          />
        </div>
        <TextAreaField
          label={t('profiles.fields.contactLines')}
          help={t('profiles.fields.linesHelp')}
          rows={3}
          {...text('contactLines')}
        />
        <TextAreaField
          label={t('profiles.fields.bankLines')}
          help={t('profiles.fields.bankLinesHelp')}
          rows={3}
          {...text('bankLines')}
        />
        <TextAreaField
          label={t('profiles.fields.footer')}
          help={t('profiles.fields.footerHelp')}
          rows={2}
          maxLength={1000}
          {...text('footer')}
        />
      </fieldset>
      <fieldset>
        <legend>{t('profiles.sections.languageAndTax')}</legend>
        <div className="field-grid">
          <SelectField
            label={t('profiles.fields.defaultLanguage')}
            help={t('profiles.fields.defaultLanguageHelp')}
            value={value.defaultLanguage}
            options={DOCUMENT_LANGUAGES.map((language) => ({
              value: language,
              label: t(`documents.language.${language}`),
            }))}
            error={problem('settings.defaultLanguage')}
            disabled={busy}
            onChange={(defaultLanguage) =>
              set({ defaultLanguage: defaultLanguage as DocumentLanguage })
            }
          />
          <TimeZoneField
            value={value.timeZone}
            error={problem('settings.timeZone')}
            disabled={busy}
            onChange={setTimeZone}
          />
          <SelectField
            label={t('profiles.fields.taxMode')}
            help={t(`profiles.taxModeHelp.${value.taxKind}`)}
            value={value.taxKind}
            options={TAX_KINDS.map((kind) => ({
              value: kind,
              label: t(`profiles.taxModes.${kind}`),
            }))}
            error={problem('settings.taxMode')}
            disabled={busy}
            onChange={(taxKind) => set({ taxKind: taxKind as TaxKind })}
          />
          {rated ? (
            <TextField
              label={t('profiles.fields.taxRate')}
              help={t('profiles.fields.taxRateHelp')}
              required
              inputMode="decimal"
              {...text('taxRate', 'settings.taxMode.rateBasisPoints')}
            />
          ) : null}
        </div>
      </fieldset>
      <SeriesFields
        name="invoiceSeries"
        value={value.invoiceSeries}
        profileId={profileId}
        timeZone={value.timeZone}
        problems={problems}
        disabled={busy}
        onChange={(invoiceSeries) => set({ invoiceSeries })}
      />
      <SeriesFields
        name="creditNoteSeries"
        value={value.creditNoteSeries}
        profileId={profileId}
        timeZone={value.timeZone}
        problems={problems}
        disabled={busy}
        onChange={(creditNoteSeries) => set({ creditNoteSeries })}
      />
      <fieldset>
        <legend>{t('profiles.sections.mail')}</legend>
        <CheckboxField
          label={t('profiles.fields.toBuyer')}
          help={t('profiles.fields.toBuyerHelp')}
          checked={value.toBuyer}
          disabled={busy}
          onChange={(toBuyer) => set({ toBuyer })}
        />
        <TextAreaField
          label={t('profiles.fields.sellerRecipients')}
          help={t('profiles.fields.sellerRecipientsHelp')}
          rows={2}
          {...text('sellerRecipients', 'settings.mail.sellerRecipients')}
        />
        <TextField
          type="email"
          label={t('profiles.fields.replyTo')}
          help={t('profiles.fields.replyToHelp')}
          maxLength={320}
          {...text('replyTo', 'settings.mail.replyTo')}
        />
      </fieldset>
      <TemplateFields
        value={value.templates}
        problems={problems}
        disabled={busy}
        onChange={setTemplates}
      />
      <fieldset>
        <legend>{t('profiles.sections.issuing')}</legend>
        <CheckboxField
          label={t('profiles.fields.invoicing')}
          help={t('profiles.fields.invoicingHelp')}
          checked={value.invoicing}
          disabled={busy}
          onChange={(invoicing) => set({ invoicing })}
        />
        <CheckboxField
          label={t('profiles.fields.issueForPlatformSales')}
          help={t('profiles.fields.issueForPlatformSalesHelp')}
          checked={value.issueForPlatformSales}
          disabled={busy}
          onChange={(issueForPlatformSales) => set({ issueForPlatformSales })}
        />
        <CheckboxField
          label={t('profiles.fields.issueForTestPayments')}
          help={t('profiles.fields.issueForTestPaymentsHelp')}
          checked={value.issueForTestPayments}
          disabled={busy}
          onChange={(issueForTestPayments) => set({ issueForTestPayments })}
        />
        <CheckboxField
          label={t('profiles.fields.eInvoice')}
          help={t('profiles.fields.eInvoiceHelp')}
          checked={value.eInvoice}
          error={problems.get('settings.eInvoice')}
          disabled={busy}
          onChange={(eInvoice) => set({ eInvoice })}
        />
      </fieldset>
      {error ? <ErrorDisplay error={error} /> : null}
      <SubmitButton busy={busy} {...(onCancel ? { onCancel } : {})}>
        {submitLabel}
      </SubmitButton>
    </form>
  );
}
