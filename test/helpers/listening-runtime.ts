/**
 * A test runtime whose app listens on 127.0.0.1 (port 0), with one Digistore24 source: for
 * tests that talk to the server over raw sockets.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DialectName } from './test-db.js';
import { createTestRuntime } from './test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from './test-runtime.js';

export interface ListeningRuntime {
  runtime: TestRuntime;
  app: FastifyInstance;
  port: number;
  /** The Digistore24 source's id; it verifies with `passphrase`. */
  sourceId: string;
  close(): Promise<void>;
}

export async function startListeningRuntime(
  dialect: DialectName,
  passphrase: string,
  options: TestRuntimeOptions = {},
): Promise<ListeningRuntime> {
  const runtime = await createTestRuntime(dialect, options);
  const app = await runtime.buildApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const source = await runtime.sources.create({
    provider: 'digistore24',
    name: 'ds24',
    config: { passphrase },
  });
  return {
    runtime,
    app,
    port,
    sourceId: source.id,
    async close() {
      await app.close();
      await runtime.dispose();
    },
  };
}
