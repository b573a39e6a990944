/**
 * When a simulated notification says its event happened: now, or `--date`. A fixed date would
 * make a later simulation older than an earlier one (a rebill simulated after a refund would
 * predate the refund), and the ledger applies events in the order they occurred. Providers
 * write times to the second, so the instant is cut to whole seconds.
 */
import { Option } from 'commander';
import { systemClock } from '../lib/clock.js';
import { isoInstantOption } from './option-parsers.js';

/** `--date <instant>`, parsed to ISO 8601 UTC. */
export function dateOption(): Option {
  return new Option(
    '--date <instant>',
    'when the event happens, ISO 8601 with a zone, e.g. 2026-05-14T09:12:45Z (default: now)',
  ).argParser(isoInstantOption);
}

/** The `--date` value, or `now`, in whole seconds. */
export function simulationInstant(date: string | undefined, now: Date = systemClock.now()): Date {
  const instant = date === undefined ? now : new Date(date);
  return new Date(Math.floor(instant.getTime() / 1000) * 1000);
}
