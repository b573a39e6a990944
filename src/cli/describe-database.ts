/**
 * Names the database a command works on for people: the SQLite file path, or the PostgreSQL
 * URL with its password masked (it would otherwise end up in logs and terminal scrollback).
 */
import type { DbTarget } from '../db/connect.js';
import { maskUrlPassword } from '../lib/mask-url-password.js';
import { dbTarget } from '../runtime.js';
import type { Runtime } from '../runtime.js';

export function describeDatabase(target: DbTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.file}`;
  return maskUrlPassword(target.url) ?? 'postgres (unparseable URL)';
}

/** The database a command's runtime works on, for messages such as "no sources yet in …". */
export function runtimeDatabase(runtime: Runtime): string {
  return describeDatabase(dbTarget(runtime.config));
}
