/**
 * When a check is due: the pure arithmetic of fixed-rate scheduling with a stable phase.
 *
 * Every check runs at the instants `t` where `t ≡ offset (mod interval)`, counted from the Unix epoch, with
 * `offset = hash(checkId) mod interval`. Anchoring to the epoch rather than to "when the process started" is what
 * makes a restart (or a reschedule, or a second daemon) keep each check's phase, and hashing the id is what
 * spreads 10,000 checks at 30 s over the whole 30 s instead of firing them together.
 */

/**
 * A 53-bit hash of a string (cyrb53: two 32-bit multiply-xor lanes with a final avalanche), so ids that differ
 * in one trailing character land far apart. Changing this function moves every check's phase once; keep it.
 *
 * @example hashId('charges-up') === hashId('charges-up') // always, in every process
 */
export function hashId(id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The check's phase within its interval: `hash(id) mod interval`, in `[0, intervalMs)`. */
export function stableOffset(id: string, intervalMs: number): number {
  return hashId(id) % intervalMs;
}

/** The first instant at or after `now` when a check with this interval and offset is due. */
export function firstDueAt(now: number, intervalMs: number, offsetMs: number): number {
  const sinceLastSlot = (((now - offsetMs) % intervalMs) + intervalMs) % intervalMs;
  return sinceLastSlot === 0 ? now : now - sinceLastSlot + intervalMs;
}

/**
 * The next slot after the one due at `dueAt` that is still in the future at `now`. Normally `dueAt + interval`;
 * when the process stalled past whole intervals, the missed slots are skipped rather than fired in a burst
 * (fixed rate, not catch-up), and `missedSlots` counts them.
 */
export function nextDueAt(dueAt: number, intervalMs: number, now: number): number {
  const next = dueAt + intervalMs;
  if (next > now) return next;
  return dueAt + (Math.floor((now - dueAt) / intervalMs) + 1) * intervalMs;
}

/** How many whole slots lie strictly between `dueAt` and `nextDue` (0 when nothing was skipped). */
export function missedSlots(dueAt: number, nextDue: number, intervalMs: number): number {
  return Math.round((nextDue - dueAt) / intervalMs) - 1;
}
