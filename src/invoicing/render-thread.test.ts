/**
 * The render thread (render-thread.ts) against the in-process renderer: the same bytes, the
 * e-invoice's refusals with their codes, failures that reject the request (and leave the next
 * one to a new thread), and the thread ended when idle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../test/helpers/poll-until.js';
import { silentLogger } from '../lib/logger.js';
import { embedEInvoice } from './e-invoice/embed-e-invoice.js';
import { GERMAN_B2B_INVOICE } from './e-invoice/test-support/e-invoice-samples.js';
import { renderDocumentPdf } from './pdf/render-document-pdf.js';
import { GERMAN_INVOICE, HEBREW_INVOICE } from './pdf/test-support/sample-snapshots.js';
import { createRenderThread } from './render-thread.js';
import type { RenderThread, RenderThreadOptions } from './render-thread.js';

describe('createRenderThread', () => {
  const started: RenderThread[] = [];
  function start(options: Partial<RenderThreadOptions> = {}): RenderThread {
    const thread = createRenderThread({ logger: silentLogger(), ...options });
    started.push(thread);
    return thread;
  }

  afterEach(async () => {
    for (const thread of started.splice(0)) await thread.close();
  });

  it('renders the bytes the in-process renderer gives, and the same bytes again; embeds the same e-invoice', async () => {
    const thread = start();
    expect(thread.running()).toBe(false);
    const [german, hebrew] = [
      await thread.render(GERMAN_INVOICE),
      await thread.render(HEBREW_INVOICE),
    ];
    expect(thread.running()).toBe(true);
    expect(Buffer.from(german).equals(Buffer.from(await renderDocumentPdf(GERMAN_INVOICE)))).toBe(
      true,
    );
    expect(Buffer.from(hebrew).equals(Buffer.from(await renderDocumentPdf(HEBREW_INVOICE)))).toBe(
      true,
    );
    expect(Buffer.from(await thread.render(GERMAN_INVOICE)).equals(Buffer.from(german))).toBe(true);

    const plain = await thread.render(GERMAN_B2B_INVOICE);
    const inThread = await thread.embedEInvoice(plain, GERMAN_B2B_INVOICE);
    expect(
      Buffer.from(inThread).equals(Buffer.from(await embedEInvoice(plain, GERMAN_B2B_INVOICE))),
    ).toBe(true);
  });

  it('answers the e-invoice refusal with its code and fields, as in-process', async () => {
    const thread = start();
    const snapshot = {
      ...GERMAN_B2B_INVOICE,
      buyer: { ...GERMAN_B2B_INVOICE.buyer, countryCode: null },
    };
    const pdf = await thread.render(snapshot);
    await expect(thread.embedEInvoice(pdf, snapshot)).rejects.toMatchObject({
      name: 'IpnhubError',
      code: 'EINVOICE_INCOMPLETE',
      fields: [expect.objectContaining({ path: 'buyer.countryCode' })],
    });
  });

  it('rejects a request the renderer throws on, and renders the next one', async () => {
    const thread = start();
    await expect(thread.render({ ...GERMAN_INVOICE, issuedAt: 'yesterday' })).rejects.toThrow(
      'not an ISO 8601 instant',
    );
    expect((await thread.render(GERMAN_INVOICE)).length).toBeGreaterThan(1000);
  });

  it('rejects the request when the thread runs out of its memory limit; the next request starts a new thread', async () => {
    // React, react-pdf and the fonts alone need more than 16 MB of heap.
    const thread = start({
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    await expect(thread.render(GERMAN_INVOICE)).rejects.toThrow(/render thread (failed|stopped)/);
    expect(thread.running()).toBe(false);
    await expect(thread.render(GERMAN_INVOICE)).rejects.toThrow(/render thread (failed|stopped)/);
  });

  it('rejects a request in flight when closed; a later request starts a new thread', async () => {
    const thread = start();
    const inFlight = thread.render(GERMAN_INVOICE);
    await thread.close();
    await expect(inFlight).rejects.toThrow('the render thread was closed');
    expect((await thread.render(GERMAN_INVOICE)).length).toBeGreaterThan(1000);
  });

  it('ends the thread once no request came for idleMs', async () => {
    const thread = start({ idleMs: 20 });
    await thread.render(GERMAN_INVOICE);
    await pollUntil(
      async () => thread.running(),
      (running) => !running,
    );
    expect((await thread.render(GERMAN_INVOICE)).length).toBeGreaterThan(1000);
  });
});
