import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { startSmtpSink } from '../../../test/fakes/smtp-sink.js';
import type { SinkMessage, SmtpSink } from '../../../test/fakes/smtp-sink.js';
import { silentLogger } from '../../lib/logger.js';
import { createMailer } from '../../lib/mailer.js';
import type { Mailer } from '../../lib/mailer.js';
import { sampleEvent } from '../sample-event.js';
import { DEFAULT_BODY, DEFAULT_SUBJECT } from './config.js';
import {
  config,
  connector,
  context,
  smtpMailer,
  testContext,
} from './test-support/contract-harness.js';

describe('email connector', () => {
  let sink: SmtpSink;
  let mailer: Mailer;

  beforeAll(async () => {
    sink = await startSmtpSink({ rejectRecipients: ['gone@example.com'] });
    mailer = smtpMailer(sink.url);
  });

  afterAll(async () => {
    await mailer.close();
    await sink.close();
  });

  async function lastMessage(): Promise<SinkMessage | undefined> {
    await sink.waitForMessages(1);
    return sink.messages.at(-1);
  }

  it('renders the default subject and body', async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ to: ['seller@example.com'] }),
      context(mailer, { deliveryId: 'dlv_DEFAULTS' }),
    );
    expect(result).toEqual({ outcome: 'delivered', response: 'sent as <dlv_DEFAULTS@ipnhub>' });
    const message = await lastMessage();
    expect(message?.messageId).toBe('<dlv_DEFAULTS@ipnhub>');
    expect(message?.subject).toBe('[ipnhub] payment — order K7QX2M9P');
    expect(message?.text.trimEnd()).toBe(
      [
        'Event:    payment',
        'Order:    K7QX2M9P (transaction 91000001)',
        'Product:  Online Course Basic (543210)',
        'Amount:   97.00 EUR',
        'Buyer:    Anna Beispiel <anna.beispiel@example.com>',
        'Time:     2024-05-14T07:12:45.000Z',
        'Source:   digistore24 (src_01HXZ3M8Q40000000000000SRC)',
        '',
        '— sent by ipnhub',
      ].join('\n'),
    );
  });

  it('renders custom templates, to every recipient, with Reply-To', async () => {
    const target = config({
      to: ['seller@example.com', 'accounting@example.com'],
      subject:
        'New {event|upper}: {product.name} for {order.amount|money} {order.currency}\nsecond line',
      body: 'Hello,\n{buyer.email|lower} paid {amount}. Company: {buyer.company|default:none}.',
      replyTo: 'support@example.com',
    });
    const result = await connector.deliver(sampleEvent('payment'), target, context(mailer));
    expect(result.outcome).toBe('delivered');
    const message = await lastMessage();
    expect(message?.to).toEqual(['seller@example.com', 'accounting@example.com']);
    expect(message?.subject).toBe('New PAYMENT: Online Course Basic for 97.00 EUR second line');
    expect(message?.text.trimEnd()).toBe(
      'Hello,\nanna.beispiel@example.com paid 97.00. Company: none.',
    );
    expect(message?.replyTo).toBe('support@example.com');
  });

  it('fails permanently when the server rejects the recipient (550)', async () => {
    const result = await connector.deliver(
      sampleEvent(),
      config({ to: ['gone@example.com'] }),
      context(mailer),
    );
    expect(result.outcome).toBe('failed');
    expect(result.outcome === 'failed' ? result.reason : '').toMatch(/550 Mailbox unavailable/);
  });

  it('retries when the SMTP server is down', async () => {
    const down = smtpMailer(`smtp://127.0.0.1:${await closedPort()}`);
    const result = await connector.deliver(
      sampleEvent(),
      config({ to: ['seller@example.com'] }),
      context(down),
    );
    const tested = await connector.testConnection(
      config({ to: ['seller@example.com'] }),
      testContext(down),
    );
    await down.close();
    expect(result.outcome).toBe('retry');
    expect(result.outcome === 'retry' ? result.reason : '').toContain('ECONNREFUSED');
    expect(tested.ok).toBe(false);
    expect(tested.message).toContain('ECONNREFUSED');
  });

  it('tests the connection with the mailer check', async () => {
    expect(
      await connector.testConnection(config({ to: ['seller@example.com'] }), testContext(mailer)),
    ).toEqual({
      ok: true,
      message: 'SMTP server reachable and login accepted',
    });
  });

  it('writes the mail to a file when no SMTP server is configured', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ipnhub-email-'));
    const fileMailer = createMailer({ from: 'hub@example.com', dataDir, logger: silentLogger() });
    try {
      const result = await connector.deliver(
        sampleEvent('refund'),
        config({ to: ['seller@example.com'] }),
        context(fileMailer, { deliveryId: 'dlv_FILE' }),
      );
      expect(result.outcome).toBe('delivered');
      const file =
        result.outcome === 'delivered' ? (result.response ?? '').replace(/^written to /, '') : '';
      expect(file).toMatch(/-dlv_FILE\.eml$/);
      const parsed = await simpleParser(await readFile(file));
      expect(parsed.subject).toBe('[ipnhub] refund — order K7QX2M9P');
      expect(parsed.messageId).toBe('<dlv_FILE@ipnhub>');
    } finally {
      await fileMailer.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('email config schema', () => {
  it('fills in the default subject and body', () => {
    expect(config({ to: ['a@example.com'] })).toEqual({
      to: ['a@example.com'],
      subject: DEFAULT_SUBJECT,
      body: DEFAULT_BODY,
    });
  });

  it.each([
    [{ to: [] }, 'at least one recipient is required'],
    [{ to: ['not-an-address'] }, 'Invalid email address'],
    [
      { to: ['a@example.com'], subject: 'Order {order.id|shout}' },
      '{order.id|shout}: unknown filter "shout" (known: money, lower, upper, default)',
    ],
    [{ to: ['a@example.com'], replyTo: 'nope' }, 'Invalid email address'],
  ])('refuses %o', (input, message) => {
    const parsed = connector.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([message]);
  });
});
