/**
 * Counts response-target breaches as the decisions that record them are committed: after each commit the
 * daemon hands over the incident the decision concerned, and every `target-breached` timeline entry that was
 * not there at the previous look is counted once, under the severity the incident had before that decision (a
 * breach that raises the severity counts under the severity whose target was breached).
 *
 * Timelines are only appended to, so "new" is "past the length seen last time". An incident not seen before (new,
 * or read back from the store) has as new only its entries at the newest timestamp: the entries one decision
 * writes all carry that decision's time. Resolved incidents are forgotten, so memory follows the open ones.
 */
import type { IncidentView } from './metric-sources.js';

interface Seen {
  entries: number;
  severity: string;
}

export class ResponseTargetBreaches {
  private readonly seen = new Map<string, Seen>();

  /** `breached` is called once per breach, with the severity and the target kind (`acknowledge`, …). */
  constructor(private readonly breached: (severity: string, target: string) => void) {}

  /** Remembers where the timelines of incidents already in memory end, so their past breaches are not counted. */
  prime(incidents: Iterable<IncidentView>): void {
    for (const incident of incidents) this.remember(incident);
  }

  /** After a commit: `incident` as it is now, undefined when the daemon no longer keeps it in memory. */
  committed(id: string, incident: IncidentView | undefined): void {
    if (!incident) {
      this.seen.delete(id);
      return;
    }
    const timeline = incident.timeline;
    const before = this.seen.get(id);
    const from = before && before.entries <= timeline.length ? before.entries : newestStart(incident);
    const severity = before?.severity ?? incident.severity;
    for (let i = from; i < timeline.length; i += 1) {
      const entry = timeline[i];
      if (entry?.kind === 'target-breached' && entry.target !== undefined)
        this.breached(severity, entry.target);
    }
    if (incident.status === 'resolved') this.seen.delete(id);
    else this.remember(incident);
  }

  /** Incidents currently followed (tests check that resolved ones are let go). */
  get size(): number {
    return this.seen.size;
  }

  private remember(incident: IncidentView): void {
    this.seen.set(incident.id, { entries: incident.timeline.length, severity: incident.severity });
  }
}

/** Index of the first entry carrying the newest timestamp of the timeline. */
function newestStart(incident: IncidentView): number {
  const timeline = incident.timeline;
  const last = timeline.at(-1);
  if (!last) return 0;
  let i = timeline.length - 1;
  while (i > 0 && timeline[i - 1]?.at === last.at) i -= 1;
  return i;
}
