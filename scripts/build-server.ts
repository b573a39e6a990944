/** `npm run build`'s server half: bundles the CLI and its threads into `dist/server/` (server-bundle.ts). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServer } from './server-bundle.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repoRoot, 'dist', 'server');
rmSync(outDir, { recursive: true, force: true });
const files = await bundleServer(repoRoot, { main: 'src/main.ts' }, outDir);
process.stdout.write(`bundled the server into ${outDir} (${files.length} files)\n`);
