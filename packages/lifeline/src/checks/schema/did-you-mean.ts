/**
 * "Did you mean" suggestions: the known names closest to a mistyped one, so a wrong `operationId` in the
 * workspace is fixed from the error message alone.
 */

/** Up to `max` candidates close to `wanted` (case-insensitive edit distance or containment), best first. */
export function closestNames(wanted: string, candidates: readonly string[], max = 3): string[] {
  const target = wanted.toLowerCase();
  const limit = Math.max(2, Math.ceil(target.length * 0.4));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const lower = name.toLowerCase();
    const distance = editDistance(target, lower);
    const contains = target.length >= 3 && (lower.includes(target) || target.includes(lower));
    if (distance <= limit || contains)
      scored.push({ name, score: contains ? Math.min(distance, limit) : distance });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((s) => s.name);
}

/** Levenshtein distance with two rolling rows. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
