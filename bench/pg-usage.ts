/**
 * Where PostgreSQL's share of a scenario goes, seen from outside: the CPU time of the embedded
 * server's processes (the postmaster and its children, from /proc; Linux only) and what its
 * backends were doing, sampled from `pg_stat_activity` (running, waiting for a lock, for the WAL
 * to be flushed, for the client...).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime, stime, cutime, cstime of /proc/<pid>/stat, and the parent pid. */
function procStat(pid: number): { ppid: number; own: number; children: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number): number => Number(fields[i - 3] ?? 0);
    return { ppid: n(4), own: n(14) + n(15), children: n(16) + n(17) };
  } catch {
    return null;
  }
}

export interface PostgresCpu {
  /** CPU time of the server's processes so far, in ms (null when /proc cannot tell). */
  read(): number | null;
}

/** The postmaster: the `postgres -D … -p <port>` process listening on the URL's port (its data directory is not ours to read). */
function postmasterOf(url: string): number {
  const port = new URL(url).port;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const p = args.indexOf('-p');
      if (args.includes('-D') && p !== -1 && args[p + 1] === port) return pid;
    } catch {
      // Ended meanwhile, or not ours to read.
    }
  }
  return 0;
}

/** A reader of the CPU time of the PostgreSQL server at `url` (its postmaster and children). */
export function postgresCpu(url: string): PostgresCpu {
  const postmaster = postmasterOf(url);
  const msPerTick = 1000 / clockTicksPerSecond();
  return {
    read() {
      const main = postmaster > 0 ? procStat(postmaster) : null;
      if (!main) return null;
      // Children that ended were added to the postmaster's cutime/cstime.
      let ticks = main.own + main.children;
      for (const entry of readdirSync('/proc')) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === postmaster) continue;
        const stat = procStat(pid);
        if (stat?.ppid === postmaster) ticks += stat.own;
      }
      return ticks * msPerTick;
    },
  };
}

export interface WaitSampler {
  /** Stops sampling; answers the share of samples per state, busiest first. */
  stop(): Promise<{ samples: number; states: Array<{ state: string; share: number }> }>;
}

/**
 * Samples the database's client backends every `everyMs`: `CPU` for an active backend that waits
 * for nothing, `<wait_event_type>:<wait_event>` for one that waits (`Lock:transactionid` is a row
 * lock, `IO:WalSync` the commit's flush), `idle`/`idle in transaction` for backends waiting on
 * ipnhub. Shares are per backend sample.
 */
export async function sampleWaits(url: string, everyMs = 50): Promise<WaitSampler> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{ state: string }>(
        `select case when state = 'active' and wait_event is null then 'CPU'
                     when state = 'active' then wait_event_type || ':' || wait_event
                     else coalesce(state, 'unknown') end as state
           from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend'
            and pid <> pg_backend_pid()`,
      );
      for (const row of rows) {
        counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
        samples += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      return {
        samples,
        states: [...counts.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([state, n]) => ({ state, share: samples === 0 ? 0 : n / samples })),
      };
    },
  };
}

/**
 * Gives a fresh cluster the WAL files a running server has. At each checkpoint PostgreSQL renames
 * the WAL segment files it no longer needs to the names of the next ones, so a server that has
 * been running rarely creates one; a cluster just made by initdb has none, and every 16 MB of
 * WAL then waits while a new segment file is created and zero-filled, and every commit waits
 * with it (130–360 ms per segment on the 2-core machine: docs/benchmarks.md, "PostgreSQL: one
 * statement per group"). Writes about `mb` of WAL into a throw-away table and checkpoints, so
 * that as much is recycled ahead, and answers how long that took and how many files are ready.
 *
 * The default covers the WAL a scenario writes up to the end of its open loop (~8 KB per
 * notification: ~3,500 req/s closed loop and 1,000 req/s open loop for 12 s each, ~440 MB) with
 * room to spare. With 400 MB (24 files) a run whose closed loop was quick used them up during
 * the open loop, and from then every ~2 s a commit waited 60–110 ms for a new file: the
 * open-loop p99 went from 16–20 ms to ~50 ms (docs/benchmarks.md, "The tails").
 */
export async function warmWal(adminUrl: string, mb = 800): Promise<{ ms: number; files: number }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const started = performance.now();
  try {
    // ~1 KB of WAL per row.
    await client.query(
      `create table bench_wal_warm as select repeat('x', 900) as x from generate_series(1, $1::int)`,
      [mb * 1000],
    );
    await client.query('drop table bench_wal_warm');
    await client.query('checkpoint');
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_ls_waldir()',
    );
    return { ms: performance.now() - started, files: rows[0]?.n ?? 0 };
  } finally {
    await client.end();
  }
}
