/**
 * A button that fetches a file from the API and hands it to the browser as a download
 * (api/download.ts). While it loads the button says so; a refusal (the PDF is not rendered
 * yet) is explained below it.
 */
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../api/download.js';
import type { DownloadedFile } from '../api/download.js';
import { ErrorDisplay } from './error-display.js';

export interface DownloadButtonProps {
  children: ReactNode;
  fetchFile(): Promise<DownloadedFile>;
  primary?: boolean;
}

export function DownloadButton({ children, fetchFile, primary = false }: DownloadButtonProps) {
  const { t } = useTranslation();
  const download = useMutation({ mutationFn: fetchFile, onSuccess: saveFile });
  return (
    <div className="download">
      <button
        type="button"
        className={primary ? 'button button-primary' : 'button'}
        disabled={download.isPending}
        onClick={() => download.mutate()}
      >
        {download.isPending ? t('common.working') : children}
      </button>
      {download.isError ? <ErrorDisplay error={download.error} /> : null}
    </div>
  );
}
