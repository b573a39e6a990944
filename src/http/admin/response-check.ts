/**
 * The answer of a route checked against its response schema, for tests: a handler that sends
 * a field the schema does not describe, or leaves out one it promises, fails loudly instead of
 * drifting away from the OpenAPI document the web UI's types are generated from.
 */
import type { AdminRoute } from './define-route.js';

export function checkedResponse(route: AdminRoute, body: unknown): unknown {
  const schema = route.response.schema;
  if (schema === undefined)
    throw new Error(`${route.method} ${route.path} (${route.operationId}) has no response schema`);
  const result = schema.safeParse(body);
  if (result.success) return body;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new Error(
    `${route.method} ${route.path} answered what its response schema does not describe: ${problems.slice(0, 5).join('; ')}`,
  );
}
