/**
 * How far an SQLite WAL has grown and how much of it a checkpoint has copied back, read from
 * the WAL-index header at the start of the `-shm` file that every connection to the database
 * maps into memory (SQLite's "WAL-index format": the header at offset 0, twice, 48 bytes each,
 * then the checkpoint information; integers in the machine's byte order). Every process using
 * the database shares this file across SQLite versions, so its header is stable; reading it
 * takes no lock and costs one `pread` of 136 bytes, where asking SQLite would take a
 * connection's checkpoint or read lock.
 *
 * - `mxFrame`: frames in the WAL that hold committed transactions (back to 0 when a writer
 *   restarts the WAL after a checkpoint that copied every frame);
 * - `nBackfill`: of those, how many a checkpoint has copied into the database file.
 *
 * An unlocked read can see a header being rewritten; callers use it only to decide when to
 * checkpoint, where a stale value costs one check.
 */
import { endianness } from 'node:os';
import { readSync } from 'node:fs';

export interface WalIndex {
  mxFrame: number;
  nBackfill: number;
}

const HEADER_BYTES = 136;
const WAL_INDEX_VERSION = 3007000;
const MX_FRAME_AT = 16;
const N_BACKFILL_AT = 96;
const IS_INIT_AT = 12;

const littleEndian = endianness() === 'LE';

/** The header of the `-shm` file open as `fd`; null while it is not initialised (or too short). */
export function readWalIndex(fd: number, scratch = Buffer.alloc(HEADER_BYTES)): WalIndex | null {
  if (readSync(fd, scratch, 0, HEADER_BYTES, 0) < HEADER_BYTES) return null;
  const u32 = (at: number) => (littleEndian ? scratch.readUInt32LE(at) : scratch.readUInt32BE(at));
  if (u32(0) !== WAL_INDEX_VERSION || scratch[IS_INIT_AT] === 0) return null;
  return { mxFrame: u32(MX_FRAME_AT), nBackfill: u32(N_BACKFILL_AT) };
}
