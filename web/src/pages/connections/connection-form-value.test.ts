/**
 * What the connection form sends, over the connectors' real schemas: the actions always as they
 * stand (empty included, so the defaults do not come back), a default mapping the user emptied
 * sent empty, stored secrets kept unless replaced or removed.
 */
import { describe, expect, it } from 'vitest';
import { getConnector } from '../../../../src/connectors/registry.js';
import type { ConnectorId } from '../../../../src/connectors/registry.js';
import { connectorCatalogueEntry } from '../../../../src/http/admin/connectors-routes.js';
import type { Connection, ConnectorEntry } from './connection-types.js';
import {
  configForCreate,
  configForUpdate,
  createBody,
  DEFAULT_FILTERS,
  newConnectionValue,
  storedConnectionValue,
  updateBody,
} from './connection-form-value.js';

function connector(id: ConnectorId): ConnectorEntry {
  return connectorCatalogueEntry(getConnector(id)) as ConnectorEntry;
}

function stored(
  connectorId: string,
  config: Record<string, unknown>,
  secretFields: Record<string, 'set' | 'unset'> = {},
): Connection {
  return {
    id: 'con_1',
    connector: connectorId,
    name: 'Stored',
    active: true,
    filters: DEFAULT_FILTERS,
    config,
    secretFields,
    errorEmails: ['ops@example.com'],
    disabledAt: null,
    disabledReason: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastDelivery: null,
    dead: 0,
    failed: 0,
    retrying: 0,
  };
}

describe('the connection form value', () => {
  it('starts a new connection with the connector’s defaults, active, receiving every event', () => {
    const value = newConnectionValue(connector('activecampaign'));
    expect(value.active).toBe(true);
    expect(value.filters).toEqual(DEFAULT_FILTERS);
    expect(Object.keys(value.config.actions as object)).toContain('refund_partial');
    expect(value.config.contact).toEqual({
      email: 'buyer.email',
      firstName: 'buyer.firstName',
      lastName: 'buyer.lastName',
      phone: 'buyer.phone',
    });
  });

  it('sends the actions as they stand: actions switched off stay off, empty ones stay', () => {
    const ac = connector('activecampaign');
    const value = newConnectionValue(ac);
    const config = {
      ...value.config,
      apiToken: 'token',
      accountUrl: 'https://x.api-us1.com',
      actions: {
        payment: { addTags: ['{product.name}'], removeTags: [], customFields: {} },
        refund: {},
      },
    };
    expect(configForCreate(ac, config).actions).toEqual({
      payment: { addTags: ['{product.name}'], removeTags: [] },
      refund: {},
    });
    expect(configForCreate(ac, { ...config, actions: {} }).actions).toEqual({});
    expect(
      createBody(ac, { ...value, name: '  CRM  ', config: { ...config, actions: {} } }),
    ).toMatchObject({
      connector: 'activecampaign',
      name: 'CRM',
      active: true,
      config: { actions: {} },
    });
  });

  it('leaves empty texts out, but sends a default mapping the user emptied as empty', () => {
    const quentn = connector('quentn');
    const value = newConnectionValue(quentn);
    const { mapping: _mapping, ...withoutMapping } = value.config;
    const created = configForCreate(quentn, {
      ...withoutMapping,
      baseUrl: 'https://q.example.com/public/api/V1/',
      apiKey: 'k',
      emailStatus: { field: '' },
    });
    expect(created.mapping).toEqual({});
    expect(created).not.toHaveProperty('emailStatus.field');
    // Untouched, the default mapping is sent as it stands.
    expect(configForCreate(quentn, value.config).mapping).toEqual(value.config.mapping);
  });

  it('patches a stored connection: secrets not given are kept, a removed one is sent as null, the actions as a whole', () => {
    const webhook = connector('webhook');
    const before = stored(
      'webhook',
      { url: 'https://a.example.com', mapping: { email: 'buyer.email' } },
      { secret: 'set', headers: 'set' },
    );
    const value = storedConnectionValue(before);
    expect(
      configForUpdate(
        webhook,
        before.config,
        { ...value.config, url: 'https://b.example.com' },
        new Set(),
      ),
    ).toEqual({ url: 'https://b.example.com', mapping: { email: 'buyer.email' } });
    expect(
      configForUpdate(webhook, before.config, value.config, new Set(['headers'])),
    ).toMatchObject({ headers: null });
    const { mapping: _mapping, ...rest } = value.config;
    expect(configForUpdate(webhook, before.config, rest, new Set())).toMatchObject({
      mapping: null,
    });

    const klicktipp = connector('klicktipp');
    const kt = stored(
      'klicktipp',
      {
        auth: { method: 'session', username: 'u' },
        actions: { payment: { subscribe: true, addTags: ['x'] }, refund: { removeTags: ['x'] } },
      },
      { 'auth.password': 'set' },
    );
    const edited = { ...kt.config, actions: { payment: { subscribe: true, addTags: ['x'] } } };
    expect(
      updateBody(klicktipp, kt, { ...storedConnectionValue(kt), config: edited }),
    ).toMatchObject({
      config: {
        auth: { method: 'session', username: 'u' },
        actions: { payment: { subscribe: true, addTags: ['x'] } },
      },
      errorEmails: ['ops@example.com'],
    });
    expect(
      updateBody(klicktipp, kt, { ...storedConnectionValue(kt), config: edited }).config,
    ).not.toHaveProperty('actions.refund');
  });
});
