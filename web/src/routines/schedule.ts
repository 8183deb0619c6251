import type { Routine } from './types';

// Plain words for the common cron shapes; anything else is shown as the cron itself, which
// the page always prints next to the words anyway (the words are a reading aid, not the truth).

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MACROS: Record<string, string> = {
  '@yearly': 'once a year',
  '@annually': 'once a year',
  '@monthly': 'once a month',
  '@weekly': 'once a week',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@hourly': 'every hour',
};

const isNumber = (part: string) => /^\d{1,2}$/.test(part);
const pad = (part: string) => part.padStart(2, '0');

function dayWords(part: string): string | null {
  if (part === '*') return 'every day';
  if (part === '1-5') return 'on weekdays';
  if (part === '0,6' || part === '6,0') return 'on weekends';
  const days = part.split(',');
  if (days.every((d) => /^[0-7]$/.test(d)))
    return `on ${days.map((d) => DAYS[Number(d) % 7]).join(', ')}`;
  return null;
}

/** The cron in words when it has a common shape ("every day at 09:00"), else null. */
export function cronWords(cron: string): string | null {
  const trimmed = cron.trim().toLowerCase();
  if (MACROS[trimmed]) return MACROS[trimmed];
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) return null;
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  if (month !== '*') return null;
  const step = minute.match(/^\*\/(\d+)$/);
  if (step && hour === '*' && dom === '*' && dow === '*') return `every ${step[1]} minutes`;
  if (isNumber(minute) && hour === '*' && dom === '*' && dow === '*')
    return `every hour at minute ${Number(minute)}`;
  if (!isNumber(minute) || !isNumber(hour)) return null;
  const at = `at ${pad(hour)}:${pad(minute)}`;
  if (dom === '*') {
    const days = dayWords(dow);
    return days && `${days} ${at}`;
  }
  if (isNumber(dom) && dow === '*') return `on day ${Number(dom)} of each month ${at}`;
  return null;
}

/** The routine's schedule as the list shows it: words (when known), the cron and its zone. */
export function scheduleText(routine: Pick<Routine, 'cron' | 'timeZone'>): string {
  if (!routine.cron) return 'no schedule (webhook or API only)';
  const words = cronWords(routine.cron);
  return `${words ? `${words} · ` : ''}${routine.cron} (${routine.timeZone})`;
}

/** A time the API sent (ISO), where the reader is; a dash for none. */
export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString() : '—';
