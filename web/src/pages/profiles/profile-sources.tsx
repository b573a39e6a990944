/**
 * The sources whose payments a profile documents: attached ones with "Detach", and a choice of
 * the others to attach. A source has at most one profile; one that belongs to another profile
 * is offered with that profile's name, and the server's refusal (`SOURCE_HAS_PROFILE`) is shown
 * at the field. Digistore24 sources are marked: Digistore24 invoices its buyers itself.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error.js';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { SelectField } from '../../components/form-field.js';
import { useSourceList } from '../notifications/notification-queries.js';
import { useAttachSource, useDetachSource, useProfiles } from './profile-queries.js';
import type { SellerProfile } from './profile-queries.js';

export function ProfileSources({ profile }: { profile: SellerProfile }) {
  const { t } = useTranslation();
  const sources = useSourceList();
  const profiles = useProfiles();
  const attach = useAttachSource(profile.id);
  const detach = useDetachSource(profile.id);
  const [chosen, setChosen] = useState('');
  const ownerOf = (sourceId: string) =>
    profiles.data?.find((other) => other.id !== profile.id && other.sourceIds.includes(sourceId));
  const attached = (sources.data ?? []).filter((source) => profile.sourceIds.includes(source.id));
  const others = (sources.data ?? []).filter((source) => !profile.sourceIds.includes(source.id));
  const refusal = attach.error instanceof ApiError ? attach.error : null;
  const attachProblem =
    refusal?.code === 'SOURCE_HAS_PROFILE'
      ? `${t('errors.SOURCE_HAS_PROFILE.title')}: ${t('errors.SOURCE_HAS_PROFILE.help')}`
      : undefined;
  const platformNote = (provider: string) =>
    provider === 'digistore24' && !profile.settings.issueForPlatformSales ? (
      <span className="cell-note">{t('profiles.sources.digistoreNote')}</span>
    ) : null;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (chosen) attach.mutate(chosen, { onSuccess: () => setChosen('') });
  };

  return (
    <CardSection title={t('profiles.sources.title')}>
      <p className="muted">{t('profiles.sources.help')}</p>
      {attached.length === 0 ? (
        <p>{t('profiles.sources.none')}</p>
      ) : (
        <ul className="document-links">
          {attached.map((source) => (
            <li key={source.id}>
              <Link to={`/sources/${source.id}`}>{source.name}</Link>{' '}
              <button
                type="button"
                className="button button-small"
                disabled={detach.isPending}
                aria-label={t('profiles.sources.detachLabel', { name: source.name })}
                onClick={() => detach.mutate(source.id)}
              >
                {t('profiles.sources.detach')}
              </button>
              {platformNote(source.provider)}
            </li>
          ))}
        </ul>
      )}
      {detach.isError ? <ErrorDisplay error={detach.error} /> : null}
      {others.length > 0 ? (
        <form className="filter-bar" onSubmit={submit}>
          <div className="filter-fields">
            <SelectField
              label={t('profiles.sources.choose')}
              value={chosen}
              error={attachProblem}
              options={[
                { value: '', label: t('profiles.sources.chooseNone') },
                ...others.map((source) => {
                  const owner = ownerOf(source.id);
                  return {
                    value: source.id,
                    label: owner
                      ? t('profiles.sources.belongsTo', {
                          source: source.name,
                          profile: owner.name,
                        })
                      : source.name,
                  };
                }),
              ]}
              onChange={(sourceId) => {
                attach.reset();
                setChosen(sourceId);
              }}
            />
          </div>
          <div className="filter-actions">
            <button type="submit" className="button" disabled={!chosen || attach.isPending}>
              {t('profiles.sources.attach')}
            </button>
          </div>
        </form>
      ) : null}
      {refusal && !attachProblem ? <ErrorDisplay error={refusal} /> : null}
    </CardSection>
  );
}
