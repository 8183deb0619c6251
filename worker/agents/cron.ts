/** Field ranges of a five-field cron expression: minute, hour, day of month, month, day of week. */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

const MACROS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

/** Why `expression` is not a valid cron schedule, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim().toLowerCase();
  if (MACROS.has(trimmed)) return undefined;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5)
    return `needs 5 fields (minute hour day month weekday), got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    if (!field) continue;
    for (const item of part.split(',')) {
      const problem = itemProblem(item, field);
      if (problem) return `${field.name}: ${problem}`;
    }
  }
  return undefined;
}

type Field = (typeof FIELDS)[number];

function itemProblem(item: string, field: Field): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one step`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `bad step "${step}"`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `bad range "${range}"`;
  const values = bounds.map((b) => value(b, field));
  if (values.some((v) => v === undefined)) {
    return `"${range}" is outside ${field.min}-${field.max}`;
  }
  const [low = 0, high = low] = values as number[];
  if (high < low) return `range "${range}" runs backwards`;
  return undefined;
}

function value(token: string, field: Field): number | undefined {
  const names: readonly string[] = 'names' in field ? field.names : [];
  const named = names.indexOf(token);
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(token)) return undefined;
  const n = Number(token);
  return n >= field.min && n <= field.max ? n : undefined;
}
