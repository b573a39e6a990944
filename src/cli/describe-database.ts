/**
 * Names the database a command works on for people: the SQLite file path, or the PostgreSQL
 * URL with its password masked (it would otherwise end up in logs and terminal scrollback).
 */
import type { DbTarget } from '../db/connect.js';
import { maskUrlPassword } from '../lib/mask-url-password.js';

export function describeDatabase(target: DbTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.file}`;
  return maskUrlPassword(target.url) ?? 'postgres (unparseable URL)';
}
