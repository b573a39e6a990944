/**
 * Names for the generated API types the pages use. Everything here is derived from
 * openapi-types.ts (generated from the route table); nothing is written by hand.
 */
import type { operations } from './openapi-types.js';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The body a successful call of an operation answers with. */
export type AnswerOf<
  Op extends keyof operations,
  Status extends keyof operations[Op]['responses'],
> = Json<operations[Op]['responses'][Status]>;

/** The JSON body an operation takes. */
export type BodyOf<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The query parameters of an operation. */
export type QueryOf<Op extends keyof operations> = NonNullable<
  operations[Op]['parameters']['query']
>;

export type Source = AnswerOf<'getSource', 200>;
export type SourcePage = AnswerOf<'listSources', 200>;
export type ProviderEntry = AnswerOf<'listProviders', 200>[number];
export type CreateSourceBody = BodyOf<'createSource'>;
export type UpdateSourceBody = BodyOf<'updateSource'>;

export type Verdict = NonNullable<QueryOf<'listInboundRequests'>['verdict']>;
export type DeliveryStatus = NonNullable<QueryOf<'listDeliveries'>['status']>;
