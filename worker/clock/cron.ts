import { Cron } from 'croner';

// The one cron reader of the app (croner, a maintained library): agents' working hours,
// routines' schedules and `npm start`'s local clock all read five-field expressions here.

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];
// @daily, @hourly and friends: croner knows them; they say how often, not when.
const MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** A croner job that never runs by itself (no callback): only asked about times. */
function reader(expression: string, timeZone = 'UTC') {
  // domAndDow false: cron's rule, either day field matching is enough when both are set.
  return new Cron(expression.trim(), { timezone: timeZone, mode: '5-part', domAndDow: false });
}

/** Why `expression` is not a valid five-field cron schedule (or macro), or undefined. */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim().toLowerCase();
  if (MACRO.test(trimmed)) return undefined;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5)
    return `needs 5 fields (minute hour day month weekday), got ${parts.length}`;
  try {
    reader(trimmed);
    return undefined;
  } catch (error) {
    return explain(parts, error instanceof Error ? error.message : String(error));
  }
}

/** Croner's message, led by the field it is about when one field alone fails. */
function explain(parts: string[], message: string): string {
  const plain = message.replace(/^CronPattern:\s*/i, '');
  for (const [i, part] of parts.entries()) {
    const probe = ['0', '0', '1', '1', '0'];
    probe[i] = part;
    try {
      reader(probe.join(' '));
    } catch {
      return `${FIELD_NAMES[i]}: "${part}" ${describeFailure(part)} (${plain})`;
    }
  }
  return plain;
}

function describeFailure(part: string): string {
  if (/\/0+(\D|$)/.test(part)) return 'has a bad step';
  const range = part.match(/^(\d+)-(\d+)/);
  if (range && Number(range[1]) > Number(range[2])) return 'runs backwards';
  return 'is outside its range or not a value';
}

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function timeZoneProblem(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone "${timeZone}"`;
  }
}

/** The first time strictly after `after` that `expression` names in `timeZone`, or null. */
export function nextCronRun(expression: string, timeZone: string, after: number): number | null {
  return reader(expression, timeZone).nextRun(new Date(after))?.getTime() ?? null;
}

/**
 * The times `expression` names in (after, until], oldest first, at most `limit` of them;
 * `more` is true when there were more than that.
 */
export function cronRunsBetween(
  expression: string,
  timeZone: string,
  after: number,
  until: number,
  limit = 100,
): { runs: number[]; more: boolean } {
  const job = reader(expression, timeZone);
  const runs: number[] = [];
  let cursor: Date | null = new Date(after);
  while (cursor) {
    cursor = job.nextRun(cursor);
    if (!cursor || cursor.getTime() > until) break;
    if (runs.length === limit) return { runs, more: true };
    runs.push(cursor.getTime());
  }
  return { runs, more: false };
}

/**
 * True when `schedule` (null or empty: always) has an agent on duty at `at` in `timeZone`.
 * For working hours the hour, day and weekday fields say when; the minute field says nothing,
 * and a macro (how often, not when) means always.
 */
export function onDuty(schedule: string | null, at: number, timeZone: string): boolean {
  const trimmed = schedule?.trim().toLowerCase();
  if (!trimmed || MACRO.test(trimmed)) return true;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) return true;
  const hours = ['*', ...parts.slice(1)].join(' ');
  // match() compares seconds too: ask about the start of the minute.
  return reader(hours, timeZone).match(new Date(Math.floor(at / 60_000) * 60_000));
}
