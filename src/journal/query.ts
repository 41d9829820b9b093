import type { JournalEntry } from './entry.js';

/** Conditions an entry must all meet; an omitted field does not filter. */
export interface EntryFilter<E extends JournalEntry = JournalEntry> {
  /** Entry types to keep; an empty list keeps none. */
  types?: readonly string[];
  /** Phases to keep; an empty list keeps none. */
  phases?: readonly string[];
  opKey?: string;
  /** Inclusive lower bound on `time`. */
  since?: Date;
  /** Exclusive upper bound on `time`, so consecutive windows never count an entry twice. */
  until?: Date;
  where?: (entry: E) => boolean;
}

/** The entries matching `filter`, in journal order. */
export function queryEntries<E extends JournalEntry>(entries: readonly E[], filter: EntryFilter<E>): E[] {
  const since = filter.since?.getTime();
  const until = filter.until?.getTime();
  return entries.filter((entry) => {
    if (filter.types !== undefined && !filter.types.includes(entry.type)) return false;
    if (filter.phases !== undefined && !filter.phases.includes(entry.phase)) return false;
    if (filter.opKey !== undefined && entry.opKey !== filter.opKey) return false;
    if (since !== undefined || until !== undefined) {
      // Compare instants, not strings: times may carry different offsets.
      const time = Date.parse(entry.time);
      if (since !== undefined && time < since) return false;
      if (until !== undefined && time >= until) return false;
    }
    return filter.where === undefined || filter.where(entry);
  });
}
