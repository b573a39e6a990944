/** Adding a seller profile: the form with suggestions for the user's language; then its page, to add the logo and sources. */
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CREATED_STATE } from '../../components/created-notice.js';
import { PageHeader } from '../../components/page-header.js';
import { MerchantOfRecordNote } from './merchant-of-record-note.js';
import { ProfileForm } from './profile-form.js';
import { createBodyOf, newProfileValue } from './profile-form-value.js';
import { useCreateProfile } from './profile-queries.js';
import '../documents/documents.css';

export function AddProfilePage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateProfile();
  return (
    <>
      <PageHeader title={t('profiles.addTitle')} description={t('profiles.addDescription')} />
      <MerchantOfRecordNote />
      <ProfileForm
        initial={newProfileValue(i18n.language)}
        profileId={null}
        submitLabel={t('profiles.create')}
        busy={create.isPending}
        error={create.error}
        onSubmit={(value) =>
          create.mutate(createBodyOf(value), {
            onSuccess: (profile) =>
              void navigate(`/profiles/${profile.id}`, { state: CREATED_STATE }),
          })
        }
        onCancel={() => void navigate('/profiles')}
      />
    </>
  );
}
