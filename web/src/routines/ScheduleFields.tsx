import type { RoutineDraft } from './draft';
import { cronWords } from './schedule';

type Policies = Pick<RoutineDraft, 'cron' | 'timeZone' | 'concurrency' | 'catchUp'>;

// The zones this browser knows, offered as suggestions; the server checks the name itself.
const ZONES =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** When a routine fires on its own (cron + zone), and what it does about overlap and downtime. */
export function ScheduleFields({
  value,
  onChange,
}: {
  value: Policies;
  onChange: (next: Partial<Policies>) => void;
}) {
  const words = value.cron.trim() ? cronWords(value.cron) : 'no schedule: webhook or API only';
  return (
    <fieldset class="wide form-grid">
      <legend>Schedule</legend>
      <label>
        Cron (empty: no schedule)
        <input
          name="cron"
          class="mono"
          placeholder="0 9 * * 1-5"
          value={value.cron}
          onInput={(e) => onChange({ cron: e.currentTarget.value })}
        />
        <span class="muted" data-testid="cron-words">
          {words ?? 'minute hour day-of-month month weekday'}
        </span>
      </label>
      <label>
        Time zone
        <input
          name="timeZone"
          list="routine-zones"
          placeholder="your briefing time zone"
          value={value.timeZone}
          onInput={(e) => onChange({ timeZone: e.currentTarget.value })}
        />
        <datalist id="routine-zones">
          {ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
      <label>
        While its last mission is open
        <select
          name="concurrency"
          value={value.concurrency}
          onChange={(e) =>
            onChange({ concurrency: e.currentTarget.value as Policies['concurrency'] })
          }
        >
          <option value="skip_if_open">skip the fire</option>
          <option value="always">fire anyway</option>
        </select>
      </label>
      <label>
        After downtime
        <select
          name="catchUp"
          value={value.catchUp}
          onChange={(e) => onChange({ catchUp: e.currentTarget.value as Policies['catchUp'] })}
        >
          <option value="skip">skip the missed fires</option>
          <option value="run_one">run one for all of them</option>
        </select>
      </label>
    </fieldset>
  );
}
