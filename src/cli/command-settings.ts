/**
 * The settings a command runs with: {@link loadSettings} on the command's environment, with
 * the warnings (unknown `IPNHUB_*` variables, a plain-http public URL) shown on stderr as
 * `warning: …` lines, apart from any `--json` output on stdout. Long-running commands log them
 * instead, through {@link logSettingsWarnings}.
 */
import { loadSettings } from '../config/config.js';
import type { Settings } from '../config/config.js';
import type { Logger } from '../lib/logger.js';
import type { CliIo } from './cli-io.js';

export function loadCommandSettings(io: CliIo): Settings {
  const settings = loadSettings(io.env);
  for (const warning of settings.warnings) io.stderr(`warning: ${warning}\n`);
  return settings;
}

export function logSettingsWarnings(settings: Settings, logger: Logger): void {
  for (const warning of settings.warnings) logger.warn(warning);
}
