// PLACEHOLDER — being written by its helper; replaced wholesale.
import { z } from 'zod';
import type { Connector } from '../connector.js';

const configSchema = z.object({ placeholder: z.string().optional().meta({ title: 'placeholder' }) });

export function klickTippConnector() {
  return {
    id: 'klicktipp',
    displayName: 'Klick-Tipp',
    description: 'not built yet',
    configSchema,
    secretFields: [],
    deliver: async () => ({ outcome: 'failed', reason: 'not built yet' }),
    testConnection: async () => ({ ok: false, message: 'not built yet' }),
  } satisfies Connector<z.infer<typeof configSchema>>;
}
