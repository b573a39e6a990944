/**
 * The shared stage of the Digistore24 end-to-end tests: a full test runtime listening on
 * 127.0.0.1 (port 0), a real SMTP sink its mailer sends to, a Digistore24 source created
 * through the admin API, and small clients to send signed IPNs over the socket, create
 * connections and list their deliveries. Each test starts its own hub and closes it.
 */
import { request } from 'undici';
import { afterEach, beforeEach, expect } from 'vitest';
import { startAdminHarness } from '../../src/http/admin/test-support/admin-harness.js';
import type { AdminHarness, ApiResponse } from '../../src/http/admin/test-support/admin-harness.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { DeliveryListItem } from '../../src/outbox/delivery-queries.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../src/providers/digistore24/sign-request.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import type { SmtpSink } from '../fakes/smtp-sink.js';
import type { DialectName } from './test-db.js';
import type { TestRuntimeOptions } from './test-runtime.js';

/** The passphrase the hub's source verifies with unless `passphrase` is given. */
export const DS24_HUB_PASSPHRASE = 'e2e-passphrase-2026';
/** Where the hub's manual clock starts unless a `clock` is given. */
export const DS24_HUB_START = '2026-03-01T10:00:00.000Z';

export interface Ds24HubOptions {
  /** The runtime's clock; a fresh {@link ManualClock} at {@link DS24_HUB_START} when absent. */
  clock?: ManualClock;
  /** Config overrides, applied over the test-runtime defaults and the SMTP sink's `smtpUrl`. */
  config?: TestRuntimeOptions['config'];
  /** The source's passphrase; {@link DS24_HUB_PASSPHRASE} when absent. */
  passphrase?: string;
  /** The runtime's logger (a silent one when absent). */
  logger?: TestRuntimeOptions['logger'];
}

/** Sample-field overrides (product `543210` unless set) plus raw fields added after them. */
export type Ds24IpnOverrides = Digistore24SampleOverrides & { extra?: Record<string, string> };

/** What the IPN endpoint answered, and the exact body that was sent. */
export interface IpnReply {
  status: number;
  text: string;
  body: string;
}

/** The connection fields besides its connector and config. */
export interface ConnectionSettings {
  name: string;
  filters?: Record<string, unknown>;
  errorEmails?: string[];
}

/** A connection the admin API created (status 201 already asserted). */
export interface CreatedConnection {
  id: string;
  /** The create response, for assertions on what it shows and hides. */
  response: ApiResponse;
}

export interface Ds24Hub extends AdminHarness {
  clock: ManualClock;
  /** Receives every mail the runtime sends; fresh per hub. */
  smtp: SmtpSink;
  /** `http://127.0.0.1:<port>` the app listens on. */
  base: string;
  sourceId: string;
  /** `<base>/ipn/<sourceId>`. */
  ipnUrl: string;
  /** POSTs `body` form-encoded to the IPN URL, as Digistore24 does. */
  send(body: string): Promise<Omit<IpnReply, 'body'>>;
  /** Signs sample fields for `event` (with `passphrase`, the source's by default) and sends them; asserts nothing. */
  sendIpn(event: string, overrides?: Ds24IpnOverrides, passphrase?: string): Promise<IpnReply>;
  /** Like {@link Ds24Hub.sendIpn} with the source's passphrase, and asserts the answer is 200 `OK`. */
  postIpn(event: string, overrides?: Ds24IpnOverrides): Promise<void>;
  /** POSTs a `connector` connection with `config` and `settings` to `/api/v1/connections`; asserts 201. */
  addConnection(
    connector: string,
    config: Record<string, unknown>,
    settings: ConnectionSettings,
  ): Promise<CreatedConnection>;
  /** The connection's deliveries as `/api/v1/deliveries` lists them (first page). */
  deliveries(connectionId: string): Promise<DeliveryListItem[]>;
  /** Closes the app, disposes the runtime and its database, and stops the SMTP sink. */
  close(): Promise<void>;
}

/** Starts a hub on `dialect`; see {@link Ds24Hub}. */
export async function startDs24Hub(
  dialect: DialectName,
  options: Ds24HubOptions = {},
): Promise<Ds24Hub> {
  const clock = options.clock ?? new ManualClock(DS24_HUB_START);
  const passphrase = options.passphrase ?? DS24_HUB_PASSPHRASE;
  const smtp = await startSmtpSink();
  const harness = await startAdminHarness(dialect, {
    clock,
    config: { smtpUrl: smtp.url, ...options.config },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const base = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const source = await harness.call('POST', '/sources', {
    provider: 'digistore24',
    name: 'DS24 main',
    config: { passphrase },
  });
  expect(source.status).toBe(201);
  const sourceId = source.json<{ id: string }>().id;
  const ipnUrl = `${base}/ipn/${sourceId}`;

  async function send(body: string): Promise<Omit<IpnReply, 'body'>> {
    const res = await request(ipnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  async function sendIpn(
    event: string,
    overrides: Ds24IpnOverrides = {},
    key = passphrase,
  ): Promise<IpnReply> {
    const { extra, ...sample } = overrides;
    const body = encodeDigistore24Body(
      { ...sampleDigistore24Fields(event, { productId: '543210', ...sample }), ...extra },
      key,
    );
    return { ...(await send(body)), body };
  }

  return {
    ...harness,
    clock,
    smtp,
    base,
    sourceId,
    ipnUrl,
    send,
    sendIpn,
    async postIpn(event, overrides) {
      const reply = await sendIpn(event, overrides);
      expect({ status: reply.status, text: reply.text }).toEqual({ status: 200, text: 'OK' });
    },
    async addConnection(connector, config, settings) {
      const response = await harness.call('POST', '/connections', {
        connector,
        config,
        ...settings,
      });
      expect(response.status).toBe(201);
      return { id: response.json<{ id: string }>().id, response };
    },
    async deliveries(connectionId) {
      const res = await harness.call('GET', `/deliveries?connectionId=${connectionId}`);
      return res.json<{ data: DeliveryListItem[] }>().data;
    },
    async close() {
      await harness.close();
      await smtp.close();
    },
  };
}

/** A hub and the target fake its connections deliver to, for the test that is running. */
export interface Ds24Stage<T> {
  readonly hub: Ds24Hub;
  readonly target: T;
}

/**
 * Registers `beforeEach`/`afterEach` hooks in the calling `describe` that start a fresh hub on
 * `dialect`, then the target fake (`startTarget` gets the hub, e.g. for its clock), and close
 * both after each test. Read `hub` and `target` inside tests or hooks registered after this
 * call; outside a test they throw.
 */
export function useDs24Hub<T extends { close(): Promise<void> }>(
  dialect: DialectName,
  startTarget: (hub: Ds24Hub) => Promise<T>,
  options: Ds24HubOptions = {},
): Ds24Stage<T> {
  let current: { hub: Ds24Hub; target: T } | undefined;
  beforeEach(async () => {
    const hub = await startDs24Hub(dialect, options);
    try {
      current = { hub, target: await startTarget(hub) };
    } catch (error) {
      await hub.close();
      throw error;
    }
  });
  afterEach(async () => {
    const running = current;
    current = undefined;
    await running?.hub.close();
    await running?.target.close();
  });
  const now = (): { hub: Ds24Hub; target: T } => {
    if (current === undefined)
      throw new Error('useDs24Hub: hub and target exist only while a test runs');
    return current;
  };
  return {
    get hub() {
      return now().hub;
    },
    get target() {
      return now().target;
    },
  };
}
