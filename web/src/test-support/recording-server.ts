/**
 * A local HTTP server for client tests that answers from a handler and keeps every request it
 * got (method, path, headers, body), so a test can check what the client sent on the wire.
 * It also plays the session routes of the admin API (`/api/v1/session`) by their contract.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: Recorded) => Answer;

export interface RecordingServer {
  /** `http://127.0.0.1:<port>/api/v1` */
  baseUrl: string;
  requests: Recorded[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, answer: Answer): void {
  const text =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(typeof answer.body === 'object' ? { 'content-type': 'application/json' } : {}),
    ...answer.headers,
  });
  res.end(text);
}

export async function startRecordingServer(handler: Handler): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      send(res, handler(recorded));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}

const unauthorized: Answer = {
  status: 401,
  body: { error: { code: 'UNAUTHORIZED', message: 'A valid Bearer token is required.' } },
};

/**
 * The session routes as the server contract describes them, with one valid token: sign-in
 * answers 204 (401 for another token), the session check 200 or 401, sign-out 204; a
 * mutation without `X-Ipnhub-Csrf: 1` is refused with 403 CSRF_REJECTED. One browser: the
 * signed-in state is the server's.
 */
export function sessionContract(
  validToken: string,
  other: Handler = () => ({
    status: 404,
    body: { error: { code: 'ROUTE_NOT_FOUND', message: 'No route.' } },
  }),
): Handler {
  let signedIn = false;
  return (request) => {
    if (!request.path.startsWith('/api/v1/session'))
      return signedIn ? other(request) : unauthorized;
    if (request.method !== 'GET' && request.headers['x-ipnhub-csrf'] !== '1')
      return {
        status: 403,
        body: { error: { code: 'CSRF_REJECTED', message: 'Missing X-Ipnhub-Csrf.' } },
      };
    if (request.method === 'GET')
      return signedIn
        ? { status: 200, body: { authenticated: true, expiresAt: '2030-01-01T00:00:00.000Z' } }
        : unauthorized;
    if (request.method === 'DELETE') {
      signedIn = false;
      return { status: 204 };
    }
    const token = (JSON.parse(request.body || '{}') as { token?: string }).token;
    if (token !== validToken)
      return {
        status: 401,
        body: { error: { code: 'UNAUTHORIZED', message: 'The token is not valid.' } },
      };
    signedIn = true;
    return {
      status: 204,
      headers: { 'set-cookie': 'ipnhub_session=x; HttpOnly; SameSite=Strict; Path=/' },
    };
  };
}
