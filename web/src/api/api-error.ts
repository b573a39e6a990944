/**
 * Errors of API calls as the UI shows them: the server's stable code (src/core/errors.ts, explained
 * in every catalogue under `errors.<CODE>`) and its message, or one of the UI's own codes when no
 * answer came (`clientErrors.<CODE>`).
 */
export const CLIENT_ERROR_CODES = ['NETWORK_ERROR', 'UNEXPECTED_RESPONSE'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** One input field an error is about: its dot path (`name`, `filters.eventTypes.0`, or a config path such as `mapping.email`) and what is wrong. */
export interface FieldProblem {
  path: string;
  problem: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** The server's code, or a {@link ClientErrorCode}. */
    readonly code: string,
    message: string,
    /** From `Retry-After` (429). */
    readonly retryAfterSeconds: number | null = null,
    /** The input fields the error names (`error.fields` of the answer), so forms can show each beside its field. */
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

export function isClientErrorCode(code: string): code is ClientErrorCode {
  return (CLIENT_ERROR_CODES as readonly string[]).includes(code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fieldsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) =>
    isRecord(entry) && typeof entry.path === 'string' && typeof entry.problem === 'string'
      ? [{ path: entry.path, problem: entry.problem }]
      : [],
  );
}

/** The API's `{ error: { code, message, fields? } }` from a parsed body, if it is one. */
export function errorOfBody(
  body: unknown,
): { code: string; message: string; fields: FieldProblem[] } | null {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string') return null;
  return {
    code: error.code,
    message: typeof error.message === 'string' ? error.message : '',
    fields: fieldsOf(error.fields),
  };
}

function retryAfterOf(response: Response): number | null {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** An error answer (already parsed, or as text) as an {@link ApiError}. */
export function apiErrorOf(response: Response, body: unknown): ApiError {
  const error = errorOfBody(body);
  if (error)
    return new ApiError(
      response.status,
      error.code,
      error.message,
      retryAfterOf(response),
      error.fields,
    );
  return new ApiError(response.status, 'UNEXPECTED_RESPONSE', `HTTP ${response.status}`);
}

export function networkError(cause: unknown): ApiError {
  return new ApiError(0, 'NETWORK_ERROR', cause instanceof Error ? cause.message : String(cause));
}
