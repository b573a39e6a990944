/**
 * One seller profile: whether it issues documents, its logo, its sources, and every setting
 * in the form (saved as a whole); delete while it has issued nothing.
 */
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { CreatedNotice } from '../../components/created-notice.js';
import { DeleteAction } from '../../components/delete-action.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { Badge } from '../../components/status-badge.js';
import { LogoField } from './logo-field.js';
import { ProfileForm } from './profile-form.js';
import { profileValue, settingsOf } from './profile-form-value.js';
import { ProfileSources } from './profile-sources.js';
import { useDeleteProfile, useProfile, useUpdateProfile } from './profile-queries.js';
import type { SellerProfile } from './profile-queries.js';
import '../documents/documents.css';

function Settings({ profile }: { profile: SellerProfile }) {
  const { t } = useTranslation();
  const update = useUpdateProfile(profile.id);
  return (
    <section aria-labelledby="profile-settings-title">
      <h2 id="profile-settings-title">{t('profiles.settingsTitle')}</h2>
      {update.isSuccess ? (
        <p className="notice notice-success" role="status">
          {t('profiles.saved')}
        </p>
      ) : null}
      <ProfileForm
        initial={profileValue(profile)}
        profileId={profile.id}
        submitLabel={t('common.save')}
        busy={update.isPending}
        error={update.error}
        onSubmit={(value) =>
          update.mutate({
            name: value.name.trim(),
            invoicing: value.invoicing,
            settings: settingsOf(value),
          })
        }
      />
    </section>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const profile = useProfile(id);
  const remove = useDeleteProfile(id);
  if (profile.isPending) return <Loading />;
  if (profile.isError)
    return <ErrorDisplay error={profile.error} onRetry={() => void profile.refetch()} />;
  const data = profile.data;
  return (
    <>
      <PageHeader
        title={data.name}
        description={
          <Badge tone={data.invoicing ? 'success' : 'neutral'}>
            {data.invoicing ? t('profiles.invoicingOn') : t('profiles.invoicingOff')}
          </Badge>
        }
        actions={
          <>
            <Link className="button" to="/documents">
              {t('nav.documents')}
            </Link>
            <DeleteAction
              title={t('profiles.deleteTitle', { name: data.name })}
              remove={remove}
              onDeleted={() => void navigate('/profiles', { replace: true })}
            >
              <p>{t('profiles.deleteBody')}</p>
            </DeleteAction>
          </>
        }
      />
      <CreatedNotice>{t('profiles.created')}</CreatedNotice>
      <LogoField profile={data} />
      <ProfileSources profile={data} />
      <Settings profile={data} />
    </>
  );
}
