/**
 * The render thread's side (render-thread.ts): renders a document's PDF (pdf/) and embeds its
 * e-invoice (e-invoice/), one request at a time as the main thread sends them. React,
 * react-pdf, the fonts and the e-invoice library are loaded here on first use and live only as
 * long as the thread.
 */
import { parentPort } from 'node:worker_threads';
import { isIpnhubError } from '../core/errors.js';
import type { RenderFailure, RenderReply, RenderRequest } from './render-protocol.js';
import { embedWithEInvoiceLibrary, renderWithPdfLibrary } from './renderer.js';

function failure(err: unknown): RenderFailure {
  if (isIpnhubError(err))
    return {
      message: err.message,
      code: err.code,
      detail: err.detail ?? null,
      fields: err.fields ?? null,
    };
  return {
    message: err instanceof Error ? err.message : String(err),
    code: null,
    detail: null,
    fields: null,
  };
}

function answer(request: RenderRequest): Promise<Uint8Array> {
  return request.op === 'render'
    ? renderWithPdfLibrary(request.snapshot)
    : embedWithEInvoiceLibrary(request.pdf, request.snapshot);
}

const port = parentPort;
if (port === null) throw new Error('render-thread-entry runs only as a worker thread');
port.on('message', (request: RenderRequest) => {
  answer(request).then(
    (pdf) => {
      // A copy that owns its whole buffer, handed over without another copy.
      const owned =
        pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : pdf.slice();
      const reply: RenderReply = { id: request.id, ok: true, pdf: owned };
      port.postMessage(reply, owned.buffer instanceof ArrayBuffer ? [owned.buffer] : []);
    },
    (err: unknown) => {
      const reply: RenderReply = { id: request.id, ok: false, error: failure(err) };
      port.postMessage(reply);
    },
  );
});
