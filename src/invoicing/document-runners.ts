/**
 * One job runner (jobs/job-runner.ts) per invoicing step (document-jobs.ts), in the order the
 * worker runs them: issue, render, document mails, sale mails. Each step wakes the runner of
 * the next one when it leaves work for it (a document issued, a PDF stored, a sale's mails
 * queued), so a document goes from its job to its mails without waiting for a poll interval.
 */
import { createJobRunner } from '../jobs/job-runner.js';
import type { JobRunner, JobRunnerOptions } from '../jobs/job-runner.js';
import type { DocumentJobsDeps } from './document-jobs.js';
import { createIssueJobs } from './issue-job.js';
import { createDocumentMailJobs, createSaleMailJobs } from './mail-jobs.js';
import { createRenderJobs } from './render-job.js';

export function createDocumentRunners(
  deps: DocumentJobsDeps,
  options: JobRunnerOptions,
): readonly JobRunner[] {
  const saleMails = createJobRunner(createSaleMailJobs(deps), options);
  const mails = createJobRunner(createDocumentMailJobs(deps), options);
  const render = createJobRunner(
    createRenderJobs({ ...deps, onRendered: () => mails.wake() }),
    options,
  );
  const issue = createJobRunner(
    createIssueJobs({
      ...deps,
      onIssued: () => render.wake(),
      onSaleMailsQueued: () => saleMails.wake(),
    }),
    options,
  );
  return [issue, render, mails, saleMails];
}
