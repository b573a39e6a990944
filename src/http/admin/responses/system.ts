import * as z from 'zod';
import { named } from './registry.js';

export const systemInfo = named(
  'SystemInfo',
  z.strictObject({
    version: z.string(),
    database: z.enum(['sqlite', 'postgres']),
    migrations: z
      .array(z.string())
      .meta({ description: 'Applied database migrations, oldest first.' }),
    publicBaseUrl: z
      .string()
      .nullable()
      .meta({ description: 'The configured public address (publicBaseUrl), or null.' }),
    mail: z.enum(['smtp', 'files']).meta({
      description:
        '`smtp`: sent through the configured SMTP server; `files`: written as .eml files into the data directory.',
    }),
    operatorEmail: z.string().nullable().meta({
      description:
        'The operator address (operatorEmail) that gets the alerts about sources and connections and a copy of the error e-mails, or null (see docs/health-and-alerts.md).',
    }),
    dataDir: z.string().optional().meta({ description: 'The data directory (SQLite only).' }),
  }),
);

/** The answer of a test that can fail without the request failing (connection test, test e-mail). */
export const testResult = named(
  'TestResult',
  z.strictObject({
    ok: z.boolean(),
    message: z.string().meta({ description: 'What was checked, or why it failed.' }),
  }),
);
