/** The generated API types the Connections pages use, by name (see api/types.ts). */
import type { components } from '../../api/openapi-types.js';
import type { AnswerOf, BodyOf, QueryOf } from '../../api/types.js';

export type Connection = AnswerOf<'getConnection', 200>;
export type ConnectionPage = AnswerOf<'listConnections', 200>;
export type ConnectionWrite = AnswerOf<'createConnection', 201>;
export type ConnectionFilters = components['schemas']['ConnectionFilters'];
export type ConnectorEntry = AnswerOf<'listConnectors', 200>[number];
export type ConfigPreview = AnswerOf<'previewConnection', 200>;
export type TestResult = AnswerOf<'testConnection', 200>;
export type CreateConnectionBody = BodyOf<'createConnection'>;
export type UpdateConnectionBody = BodyOf<'updateConnection'>;
export type PreviewChoice = Pick<BodyOf<'previewConnectorConfig'>, 'eventId' | 'sampleEventType'>;
export type EventType = components['schemas']['EventType'];
export type EventListItem = AnswerOf<'listEvents', 200>['data'][number];
export type DeliveryListItem = AnswerOf<'listDeliveries', 200>['data'][number];
export type DeliveryPage = AnswerOf<'listDeliveries', 200>;
export type EventsQuery = QueryOf<'listEvents'>;
