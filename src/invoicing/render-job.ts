/**
 * Rendering as a kind of leased job (document-jobs.ts): documents whose PDF is not rendered yet,
 * one after the other in claim order. The injected renderer makes the PDF from the stored
 * snapshot alone; when the document was issued with the e-invoice, the EN 16931 XML is embedded
 * in it (e-invoice/embed-e-invoice.ts); the bytes are stored once with their SHA-256. A failure
 * keeps the document and its number; it is tried again on the retry schedule, after the
 * schedule's last step at that step's interval, for as long as it takes. A document that cannot
 * be a valid e-invoice (a buyer without country, say) is not a failure: the answer would be the
 * same on every try, so its plain PDF is stored at once and the reason kept with it
 * (`e_invoice_refused`) and logged.
 */
import { createHash } from 'node:crypto';
import { isIpnhubError } from '../core/errors.js';
import { claimLeased } from '../db/claim-leased.js';
import type { JobKind } from '../jobs/job-runner.js';
import { runEach } from '../jobs/run-each.js';
import { DOCUMENT_BATCH, errorMessage, LeaseLost, nextTryAt } from './document-jobs.js';
import type { DocumentJobsDeps } from './document-jobs.js';
import type { DocumentSnapshot } from './document-snapshot.js';

/** The refusals that are the document's own: the same snapshot is refused on every try. */
const E_INVOICE_REFUSALS: ReadonlySet<string> = new Set([
  'EINVOICE_INCOMPLETE',
  'EINVOICE_AMOUNTS_INVALID',
]);

export interface RenderJob {
  id: string;
  snapshot: string;
  render_attempts: number;
  e_invoice: number;
  render_lease_until: string;
}

export interface RenderJobsDeps extends DocumentJobsDeps {
  /** A document's PDF was stored: its mails can go. */
  onRendered?: () => void;
}

export function createRenderJobs(deps: RenderJobsDeps): JobKind<RenderJob> {
  const { db, adapter, clock, logger } = deps;

  /**
   * The PDF with the e-invoice embedded when the document asks for it, else the plain one; a
   * document that cannot be an e-invoice keeps its plain PDF and says why (`refused`).
   */
  async function renderPdf(doc: RenderJob): Promise<{ pdf: Buffer; refused: string | null }> {
    const snapshot = JSON.parse(doc.snapshot) as DocumentSnapshot;
    const plain = await deps.render(snapshot);
    if (plain.length === 0) throw new Error('the renderer returned no bytes');
    if (Number(doc.e_invoice) !== 1) return { pdf: Buffer.from(plain), refused: null };
    try {
      return { pdf: Buffer.from(await deps.embedEInvoice(plain, snapshot)), refused: null };
    } catch (err) {
      if (!isIpnhubError(err) || !E_INVOICE_REFUSALS.has(err.code)) throw err;
      const refused = `${err.code}: ${err.detail ?? err.message}`;
      logger.warn(
        { documentId: doc.id, number: snapshot.number, reason: refused },
        'document cannot be an e-invoice: its PDF is the plain one',
      );
      return { pdf: Buffer.from(plain), refused };
    }
  }

  async function renderOne(doc: RenderJob): Promise<void> {
    let pdf: Buffer;
    let refused: string | null;
    try {
      ({ pdf, refused } = await renderPdf(doc));
    } catch (err) {
      const attempts = doc.render_attempts + 1;
      logger.error(
        { err, documentId: doc.id, attempts },
        'rendering a document failed; its number stays and it will be rendered again',
      );
      await db
        .updateTable('documents')
        .set({
          render_attempts: attempts,
          render_next_at: nextTryAt(deps, attempts, 'keep-trying'),
          render_lease_until: null,
          render_error: errorMessage(err),
        })
        .where('id', '=', doc.id)
        .where('render_lease_until', '=', doc.render_lease_until)
        .execute();
      return;
    }
    const now = clock.now().toISOString();
    const stored = await adapter
      .writeTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable('documents')
          .set({
            render_state: 'rendered',
            render_attempts: doc.render_attempts + 1,
            render_next_at: null,
            render_lease_until: null,
            render_error: null,
            e_invoice_refused: refused,
          })
          .where('id', '=', doc.id)
          .where('render_lease_until', '=', doc.render_lease_until)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLost(`rendering of ${doc.id}`);
        await trx
          .insertInto('document_pdfs')
          .values({
            document_id: doc.id,
            pdf,
            sha256: createHash('sha256').update(pdf).digest('hex'),
            rendered_at: now,
          })
          .onConflict((oc) => oc.column('document_id').doNothing())
          .execute();
        return true;
      })
      .catch((err: unknown) => {
        if (!(err instanceof LeaseLost)) throw err;
        logger.warn(
          { documentId: doc.id },
          'render lease lost; another worker renders this document',
        );
        return false;
      });
    if (stored) deps.onRendered?.();
  }

  return {
    name: 'document render',
    concurrency: DOCUMENT_BATCH,
    claim: (limit, lease) =>
      claimLeased(db, adapter, {
        limit,
        due: (on, n, lock) =>
          on
            .selectFrom('documents')
            .select(['id', 'snapshot', 'render_attempts', 'e_invoice'])
            .where('render_state', '=', 'pending')
            .where('render_next_at', '<=', lease.now)
            .where((eb) =>
              eb.or([
                eb('render_lease_until', 'is', null),
                eb('render_lease_until', '<', lease.now),
              ]),
            )
            .orderBy('id')
            .limit(n)
            .$if(lock, (q) => q.forUpdate().skipLocked())
            .execute(),
        lease: async (trx, rows): Promise<RenderJob[]> => {
          await trx
            .updateTable('documents')
            .set({ render_lease_until: lease.until })
            .where(
              'id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
          return rows.map((r) => ({ ...r, render_lease_until: lease.until }));
        },
      }),
    // One after the other: one render thread renders one document at a time.
    run: (jobs, signal) => runEach(jobs, 1, signal, renderOne),
    describe: (job) => ({ documentId: job.id }),
  };
}
