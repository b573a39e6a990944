/**
 * The profile's logo: the stored image shown, a file chooser that uploads a PNG or JPEG at
 * once, and "Remove". The server recognises the format by the file's first bytes and refuses
 * other files (`LOGO_INVALID`) and large ones (`LOGO_TOO_LARGE`); its refusal is shown at the
 * field. A file larger than the server takes at all is refused here with the same words.
 */
import { useId, useState } from 'react';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error.js';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { useClearLogo, useLogoUrl, useSetLogo } from './profile-queries.js';
import type { SellerProfile } from './profile-queries.js';

/** The refusals that are about the file, shown at the field; any other is shown as an error below it. */
const LOGO_CODES = ['LOGO_INVALID', 'LOGO_TOO_LARGE'] as const;
type LogoCode = (typeof LOGO_CODES)[number];
const isLogoCode = (code: string): code is LogoCode =>
  (LOGO_CODES as readonly string[]).includes(code);

/** The server's limit (src/invoicing/logo.ts, docs/invoicing.md). */
const MAX_LOGO_BYTES = 256 * 1024;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export function LogoField({ profile }: { profile: SellerProfile }) {
  const { t } = useTranslation();
  const id = useId();
  const upload = useSetLogo(profile.id);
  const clear = useClearLogo(profile.id);
  const logo = useLogoUrl(profile);
  const [localProblem, setLocalProblem] = useState<string | undefined>(undefined);

  const explain = (code: LogoCode): string =>
    `${t(`errors.${code}.title`)}: ${t(`errors.${code}.help`)}`;
  const refusal =
    upload.error instanceof ApiError && isLogoCode(upload.error.code) ? upload.error.code : null;
  const problem = localProblem ?? (refusal ? explain(refusal) : undefined);

  const choose = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    upload.reset();
    if (file.size > MAX_LOGO_BYTES) {
      setLocalProblem(explain('LOGO_TOO_LARGE'));
      return;
    }
    setLocalProblem(undefined);
    upload.mutate(await readBase64(file));
  };

  return (
    <CardSection title={t('profiles.logo.title')}>
      {profile.logo && logo.data ? (
        <img
          className="logo-preview"
          src={logo.data}
          alt={t('profiles.logo.alt', { name: profile.name })}
        />
      ) : null}
      {profile.logo === null ? <p className="muted">{t('profiles.logo.none')}</p> : null}
      <div className={`field${problem ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-file`} className="field-label">
          {profile.logo ? t('profiles.logo.replace') : t('profiles.logo.upload')}
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept="image/png,image/jpeg"
          disabled={upload.isPending}
          aria-describedby={`${id}-help${problem ? ` ${id}-error` : ''}`}
          {...(problem ? { 'aria-invalid': true as const } : {})}
          onChange={(event) => void choose(event)}
        />
        <p id={`${id}-help`} className="field-help">
          {t('profiles.logo.help')}
        </p>
        {problem ? (
          <p id={`${id}-error`} className="field-error">
            {problem}
          </p>
        ) : null}
      </div>
      {upload.isError && !refusal ? <ErrorDisplay error={upload.error} /> : null}
      {upload.isPending ? <p role="status">{t('common.working')}</p> : null}
      {upload.isSuccess ? (
        <p className="notice notice-success" role="status">
          {t('profiles.logo.saved')}
        </p>
      ) : null}
      {profile.logo ? (
        <button
          type="button"
          className="button"
          disabled={clear.isPending}
          onClick={() => clear.mutate(undefined)}
        >
          {t('profiles.logo.remove')}
        </button>
      ) : null}
    </CardSection>
  );
}
