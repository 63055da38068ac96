// Keeping the resident memory of the primary and its workers close to what they actually use
// (issue #2: a worker with 10,000 routes under 150 MB RSS).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * glibc raises its mmap and trim thresholds each time a large block (Node's big buffers) is
 * freed, up to 32 MB and 64 MB; from then on freed memory stays in the process. Measured on a
 * worker under load: its malloc arenas kept ~30 MB they no longer used (10k routes: 197 → 160
 * MB RSS with the threshold pinned), with no measurable CPU cost per request. Setting any
 * MALLOC_* threshold turns the dynamic raising off; 128 KiB is glibc's own default. Other C
 * libraries ignore the variable, and an operator's own MALLOC_* tuning wins.
 */
export function mallocEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const tuned = Object.keys(env).some((name) => name.startsWith('MALLOC_') && name.endsWith('_'));
  return tuned ? {} : { MALLOC_TRIM_THRESHOLD_: '131072' };
}

type FullGc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
let fullGc: FullGc | null = null;

/**
 * Gives memory that a one-off burst of garbage left behind (parsing and validating a large
 * kong.yml) back to the system. V8 keeps the old generation's pages after an ordinary GC (for
 * 10,000 routes the primary stayed at ~320 MB RSS with 45 MB of live heap); a last-resort GC
 * compacts every page, as V8 does under memory pressure. For the primary only: in a worker any
 * forced full GC (at boot or after a reload) left the proxy ~9 % more CPU per request for as long
 * as it was measured (p99 up by ~1 ms), which the 10–30 MB it saved there do not pay for.
 */
export function releaseUnusedMemory(): void {
  if (fullGc === null) {
    // `gc` is only reachable with --expose-gc; a new context created after the flag sees it.
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as FullGc;
  }
  fullGc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
