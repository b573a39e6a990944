/**
 * Every outbound connector, by id. The `ConnectorId` union is derived from this object.
 */
import { activeCampaignConnector } from './activecampaign/activecampaign-connector.js';
import { capsuleConnector } from './capsule/capsule-connector.js';
import { emailConnector } from './email/email-connector.js';
import { keapConnector } from './keap/keap-connector.js';
import { klickTippConnector } from './klicktipp/klicktipp-connector.js';
import { paypalIpnForwardConnector } from './paypal-ipn-forward/paypal-ipn-forward-connector.js';
import { quentnConnector } from './quentn/quentn-connector.js';
import { salesforceConnector } from './salesforce/salesforce-connector.js';
import { webhookConnector } from './webhook/webhook-connector.js';
import type { Connector } from './connector.js';

export const connectors = {
  webhook: webhookConnector(),
  email: emailConnector(),
  'paypal-ipn-forward': paypalIpnForwardConnector(),
  salesforce: salesforceConnector(),
  activecampaign: activeCampaignConnector(),
  quentn: quentnConnector(),
  klicktipp: klickTippConnector(),
  keap: keapConnector(),
  capsule: capsuleConnector(),
} as const;

export type ConnectorId = keyof typeof connectors;

export const CONNECTOR_IDS = Object.keys(connectors) as ConnectorId[];

export function isConnectorId(id: string): id is ConnectorId {
  return Object.hasOwn(connectors, id);
}

/** The connector as its general interface, for code that handles any connector's config as data. */
export function getConnector(id: ConnectorId): Connector<unknown> {
  return connectors[id] as unknown as Connector<unknown>;
}
