// The operator's wall clock, from an IANA time zone, with nothing but Intl.

/** The local date (YYYY-MM-DD) and time (HH:MM) at `at` in `timeZone`. */
export function localClock(at: number, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** Milliseconds the zone is ahead of UTC at `at` (to the minute). */
function offsetAt(at: number, timeZone: string): number {
  const { date, time } = localClock(at, timeZone);
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  return asUtc - Math.floor(at / 60_000) * 60_000;
}

/** When the local day containing `at` began, in epoch milliseconds. */
export function startOfLocalDay(at: number, timeZone: string): number {
  const { date } = localClock(at, timeZone);
  const midnightAsUtc = Date.parse(`${date}T00:00:00Z`);
  // The offset at midnight can differ from the offset now across a DST change: use midnight's.
  return midnightAsUtc - offsetAt(midnightAsUtc - offsetAt(at, timeZone), timeZone);
}
