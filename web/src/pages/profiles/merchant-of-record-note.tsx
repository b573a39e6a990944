/** Why Digistore24 sales get no documents from ipnhub, in the seller's words. */
import { useTranslation } from 'react-i18next';

export function MerchantOfRecordNote() {
  const { t } = useTranslation();
  return (
    <div className="notice">
      <p>{t('profiles.merchantOfRecord.paypal')}</p>
      <p>{t('profiles.merchantOfRecord.digistore')}</p>
    </div>
  );
}
