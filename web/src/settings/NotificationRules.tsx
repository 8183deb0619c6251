import { useState } from 'preact/hooks';
import {
  NOTIFICATION_TIERS,
  NOTIFICATION_TYPES,
  type NotificationType,
  type TierRule,
} from '../../../worker/notifications/catalog';

type Rules = Record<NotificationType, TierRule>;

/**
 * How loudly the CEO tells you about each kind of event. Saved as one table: the server fills
 * any kind a PATCH leaves out with its default, so the whole table is always sent.
 */
export function NotificationRules({
  rules,
  onSave,
}: {
  rules: Rules;
  onSave: (rules: Rules) => void;
}) {
  const [draft, setDraft] = useState<Rules>(rules);
  const set = (type: NotificationType, change: Partial<TierRule>) =>
    setDraft({ ...draft, [type]: { ...draft[type], ...change } });
  return (
    <form
      class="panel"
      aria-label="Notification rules"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(draft);
      }}
    >
      <h3>Notification rules</h3>
      <p class="muted">
        IMMEDIATE is sent at once, DIGEST waits for the next digest (5 minutes), SILENT is only
        recorded. Low-signal events are weighed by the digest quality gate: alone or in thin batches
        they are not worth a message.
      </p>
      <table class="table">
        <thead>
          <tr>
            <th>Event</th>
            <th>Tier</th>
            <th>Low signal</th>
          </tr>
        </thead>
        <tbody>
          {NOTIFICATION_TYPES.map((type) => (
            <tr key={type}>
              <td>
                <code>{type}</code>
              </td>
              <td>
                <select
                  aria-label={`Tier of ${type}`}
                  value={draft[type].tier}
                  onChange={(e) => set(type, { tier: e.currentTarget.value as TierRule['tier'] })}
                >
                  {NOTIFICATION_TIERS.map((tier) => (
                    <option key={tier}>{tier}</option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${type} is low signal`}
                  checked={draft[type].lowSignal}
                  onChange={() => set(type, { lowSignal: !draft[type].lowSignal })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="inline">
        <button type="submit">Save notification rules</button>
      </div>
    </form>
  );
}
