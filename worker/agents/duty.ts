// Whether an agent's schedule has it at work now. A schedule is a five-field cron expression
// (validated when the agent is saved); for the office it reads as working hours: the hour, day
// and weekday fields say when the agent is on duty, the minute field says nothing about it.
// The office shows it and dispatch obeys it, so both read the same hours.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** True when `schedule` (null: always) has the agent on duty at `at` in `timeZone`. */
export function onDuty(schedule: string | null, at: number, timeZone: string): boolean {
  if (!schedule?.trim()) return true;
  const parts = schedule.trim().toLowerCase().split(/\s+/);
  // Macros (@daily, @hourly...) say how often, not when: the agent is always on duty.
  if (parts.length !== 5) return true;
  const [, hour = '*', day = '*', month = '*', weekday = '*'] = parts;
  const now = localParts(at, timeZone);
  const dayMatches = matches(day, now.day, 1, 31, []);
  const weekdayMatches = matches(weekday, now.weekday, 0, 7, WEEKDAYS, true);
  // Cron's rule: when both day fields are restricted, either one matching is enough.
  const days =
    day !== '*' && weekday !== '*' ? dayMatches || weekdayMatches : dayMatches && weekdayMatches;
  return days && matches(hour, now.hour, 0, 23, []) && matches(month, now.month, 1, 12, MONTHS);
}

function matches(
  field: string,
  value: number,
  min: number,
  max: number,
  names: string[],
  sundayIsSeven = false,
): boolean {
  return field.split(',').some((item) => {
    const [range = '*', stepText] = item.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [low, high] =
      range === '*'
        ? [min, max]
        : ((): [number, number] => {
            const [a = '', b] = range.split('-');
            const first = parse(a, names, min);
            return [first, b === undefined ? (stepText ? max : first) : parse(b, names, min)];
          })();
    for (let v = low; v <= high; v += step) {
      if (v === value || (sundayIsSeven && v === 7 && value === 0)) return true;
    }
    return false;
  });
}

function parse(token: string, names: string[], min: number): number {
  const named = names.indexOf(token);
  return named >= 0 ? named + min : Number(token);
}

/** The operator's wall clock at `at` in `timeZone`, in cron's fields (Intl only). */
function localParts(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour', number>;
  return {
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    weekday: new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay(),
  };
}
