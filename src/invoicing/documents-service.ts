/**
 * What people do with issued documents (admin API and CLI): send the mails again, and issue a
 * credit note by hand. Both only add rows — a document is never changed or deleted; the
 * worker renders and mails what they add.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { queueDocumentMails } from './document-mails.js';
import type { MailRole } from './mail-rows.js';
import type { DocumentSnapshot } from './document-snapshot.js';
import { issueCreditNoteByHand } from './issue.js';
import { loadProfileForIssue } from './profiles.js';

export interface DocumentsService {
  /** Queues the document's mails again for `roles`; how many were queued (0: nobody gets one under the profile's mail settings). */
  resend(id: string, roles: readonly MailRole[]): Promise<number>;
  /** Issues a credit note for an invoice: the rest of it, or `amount` minor units. */
  creditNote(id: string, amount: number | null): Promise<{ documentId: string; number: string }>;
}

export function createDocumentsService(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  onQueued: () => void;
}): DocumentsService {
  const { db, adapter, clock } = deps;
  return {
    async resend(id, roles) {
      const queued = await adapter.writeTransaction(db, async (trx) => {
        const doc = await trx
          .selectFrom('documents')
          .select(['id', 'profile_id', 'snapshot'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!doc) throw new IpnhubError('NOT_FOUND', `No document ${id}.`);
        const profile = await loadProfileForIssue(trx, doc.profile_id);
        if (!profile) return 0;
        return queueDocumentMails(
          trx,
          { id, snapshot: JSON.parse(doc.snapshot) as DocumentSnapshot },
          profile,
          { now: clock.now().toISOString(), trigger: 'resend', roles },
        );
      });
      if (queued > 0) deps.onQueued();
      return queued;
    },
    async creditNote(id, amount) {
      const outcome = await adapter.writeTransaction(db, (trx) =>
        issueCreditNoteByHand(trx, clock, id, amount),
      );
      if (outcome.kind !== 'issued')
        throw new Error(`credit note for ${id} was not issued: ${outcome.kind}`);
      deps.onQueued();
      return { documentId: outcome.documentId, number: outcome.number };
    },
  };
}
