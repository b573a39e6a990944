/**
 * What the Documents and Seller profiles page tests share: the pages at their routes, rendered
 * against a real ipnhub; a clean slate before each test; issued documents made the way
 * payments make them (a committed notification, then the worker); and the files the pages hand
 * to the browser as downloads.
 */
import { afterEach, beforeEach } from 'vitest';
import {
  paymentDraft,
  refundDraft,
  sampleProfileSettings,
} from '../../../src/invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../../test/helpers/commit-notification.js';
import type { PaymentFacts } from '../../../src/invoicing/test-support/invoicing-fixtures.js';
import type { ProfileSettingsInput } from '../../../src/invoicing/profile-settings.js';
import type { LanguageCode } from '../i18n/languages.js';
import { DocumentPage } from '../pages/documents/document-page.js';
import { DocumentsPage } from '../pages/documents/documents-page.js';
import { ManualRefundsPage } from '../pages/documents/manual-refunds-page.js';
import { SaleMailsPage } from '../pages/documents/sale-mails-page.js';
import { AddProfilePage } from '../pages/profiles/add-profile-page.js';
import { ProfilePage } from '../pages/profiles/profile-page.js';
import { ProfilesPage } from '../pages/profiles/profiles-page.js';
import type { TestServer } from './ipnhub-server.js';
import { renderUi } from './render.js';

export const INVOICING_ROUTES = [
  { path: '/documents', element: <DocumentsPage /> },
  { path: '/documents/manual-refunds', element: <ManualRefundsPage /> },
  { path: '/documents/sale-mails', element: <SaleMailsPage /> },
  { path: '/documents/:id', element: <DocumentPage /> },
  { path: '/profiles', element: <ProfilesPage /> },
  { path: '/profiles/new', element: <AddProfilePage /> },
  { path: '/profiles/:id', element: <ProfilePage /> },
];

/** The Documents and Seller profiles pages at `path`, talking to `server`. */
export function renderInvoicing(server: TestServer, path: string, language: LanguageCode = 'en') {
  return renderUi(null, {
    server: { baseUrl: server.baseUrl, fetch: server.fetch },
    routes: INVOICING_ROUTES,
    path,
    language,
  });
}

/** No document, profile or source left from an earlier test (documents stay immutable in the product; tests start over). */
export async function clearInvoicing(server: TestServer): Promise<void> {
  const db = server.runtime.dbHandle.db;
  for (const table of [
    'platform_sale_mails',
    'document_mails',
    'document_pdfs',
    'documents',
    'document_claims',
    'document_jobs',
    'manual_refunds',
    'number_counters',
    'profile_sources',
    'seller_profiles',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await db.deleteFrom('deliveries').execute();
  for (const source of await server.runtime.sources.list())
    await server.runtime.sources.remove(source.id);
}

export interface Seller {
  profileId: string;
  source: { id: string; provider: string };
}

/** A PayPal source and a profile with invoicing on attached to it. */
export async function paypalSeller(
  server: TestServer,
  settings: Partial<ProfileSettingsInput> = {},
  name = 'Muster',
): Promise<Seller> {
  const source = await server.runtime.sources.create({
    provider: 'paypal-ipn',
    name: 'PayPal Shop',
    config: { receiverEmail: 'seller@example.com' },
  });
  const profile = await server.runtime.profiles.create({
    name,
    invoicing: true,
    settings: sampleProfileSettings(settings),
  });
  await server.runtime.profiles.attach(profile.id, source.id);
  return { profileId: profile.id, source: { id: source.id, provider: source.provider } };
}

/** Payments as verified notifications, then the worker: each gets its invoice, rendered and mailed. */
export async function pay(
  server: TestServer,
  seller: Seller,
  ...payments: PaymentFacts[]
): Promise<void> {
  await commitNotification(server.runtime, seller.source, payments.map(paymentDraft));
  await server.runtime.worker.runOnce();
}

/** A refund as a verified notification, then the worker. */
export async function refund(
  server: TestServer,
  seller: Seller,
  facts: Parameters<typeof refundDraft>[0],
): Promise<void> {
  await commitNotification(server.runtime, seller.source, [refundDraft(facts)]);
  await server.runtime.worker.runOnce();
}

export interface Download {
  fileName: string;
  blob: Blob;
}

/**
 * Files the page hands to the browser: jsdom has no Blob URLs and does not download, so the
 * blob given to `URL.createObjectURL` is kept and the `<a download>` click is caught.
 */
export function captureDownloads(): Download[] {
  const downloads: Download[] = [];
  const blobs = new Map<string, Blob>();
  const onClick = (event: MouseEvent): void => {
    const link = event.target;
    if (!(link instanceof HTMLAnchorElement) || !link.download) return;
    event.preventDefault();
    const blob = blobs.get(link.href);
    if (blob) downloads.push({ fileName: link.download, blob });
  };
  beforeEach(() => {
    downloads.length = 0;
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size + 1}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void blobs.delete(url);
    document.addEventListener('click', onClick);
  });
  afterEach(() => document.removeEventListener('click', onClick));
  return downloads;
}
