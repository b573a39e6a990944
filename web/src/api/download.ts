/**
 * Files the API answers (a PDF, a CSV, a ZIP) handed to the browser as a download. The request
 * carries the session cookie like every API call, so the file is fetched here and given to the
 * browser as a Blob URL on a temporary `<a download>`: no admin data or token ever goes into an
 * address, and the Blob URL lives only until the click has started the download. A download is
 * a navigation the Content-Security-Policy does not restrict (web-ui.ts), so nothing is added to
 * it for this.
 */
import { apiErrorOf, networkError } from './api-error.js';

/** A file answer: its bytes and the name the server gave it (`Content-Disposition`). */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** `attachment; filename="RE-2026-000001.pdf"` → `RE-2026-000001.pdf`; `fallback` without one. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1] ?? fallback;
}

/** Makes the browser save `file` under its name. */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click the browser holds its own reference to the blob for the download.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

interface FileAnswer {
  data?: Blob;
  error?: unknown;
  response: Response;
}

/**
 * The file of a call made with `parseAs: 'blob'`, or an `ApiError` thrown as `unwrap` does:
 * `await fileOf(api.GET('/documents/{id}/pdf', { params, parseAs: 'blob' }), 'document.pdf')`.
 */
export async function fileOf(
  pending: Promise<FileAnswer>,
  fallbackName: string,
): Promise<DownloadedFile> {
  let answer: FileAnswer;
  try {
    answer = await pending;
  } catch (err) {
    throw networkError(err);
  }
  if (answer.error !== undefined || !answer.response.ok || answer.data === undefined)
    throw apiErrorOf(answer.response, answer.error);
  return {
    blob: answer.data,
    fileName: fileNameOf(answer.response.headers.get('content-disposition'), fallbackName),
  };
}
