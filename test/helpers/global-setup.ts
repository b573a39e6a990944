/**
 * Vitest global setup: one PostgreSQL server for the run, unless `IPNHUB_TEST_DIALECTS`
 * leaves PostgreSQL out. Suites read the admin URL with `inject('pgAdminUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';
import type { RunningPostgres } from './postgres-server.js';
import { enabledDialects } from './dialect-list.js';

let server: RunningPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!enabledDialects().includes('postgres')) {
    project.provide('pgAdminUrl', '');
    return;
  }
  server = await startPostgres();
  project.provide('pgAdminUrl', server.adminUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
