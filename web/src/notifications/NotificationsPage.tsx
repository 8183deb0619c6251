import { useEffect, useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { CeoPanel } from './CeoPanel';
import { NotificationRow } from './NotificationRow';
import {
  CEO_EVENT_TYPES,
  NOTIFICATION_STATUSES,
  NOTIFICATION_TIERS,
  NOTIFICATION_TYPES,
  type Notification,
  ROUTING_REASONS,
  SUPPRESSION_REASONS,
} from './types';
import './notifications.css';

type Filters = Record<'status' | 'tier' | 'eventType' | 'reason', string>;
const NONE: Filters = { status: '', tier: '', eventType: '', reason: '' };
const REASONS = [...Object.keys(SUPPRESSION_REASONS), ...Object.keys(ROUTING_REASONS)];

/** Everything the CEO considered telling you, sent or not, newest first, with its reasons. */
export function NotificationsPage() {
  const [filters, setFilters] = useState<Filters>(NONE);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  async function load(from: string | null) {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(filters)) if (value.trim()) query[key] = value;
    if (from) query.cursor = from;
    try {
      const page = await ok(
        hq.GET('/api/notifications', { params: { query: { ...query, limit: 50 } } }),
      );
      setItems((current) => (from ? [...(current ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(describeFailure(e));
    }
  }
  const refresh = () => {
    setVersion((v) => v + 1);
    void load(null);
  };
  // Load on open; filters apply on submit.
  useEffect(() => {
    void load(null);
  }, []);

  const select = (name: keyof Filters, label: string, options: readonly string[]) => (
    <select
      aria-label={label}
      value={filters[name]}
      onChange={(e) => setFilters({ ...filters, [name]: e.currentTarget.value })}
    >
      <option value="">any {label.toLowerCase()}</option>
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );

  return (
    <section>
      <div class="heading-row">
        <h2>Notifications</h2>
        <button type="button" class="secondary" onClick={refresh}>
          Refresh
        </button>
      </div>
      {hasRole(me.value, 'operator') && <CeoPanel version={version} onScanned={refresh} />}
      <form
        class="filters"
        aria-label="Filter notifications"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null);
        }}
      >
        {select('status', 'Status', NOTIFICATION_STATUSES)}
        {select('tier', 'Tier', NOTIFICATION_TIERS)}
        <input
          aria-label="Event type"
          placeholder="event type"
          list="notification-event-types"
          value={filters.eventType}
          onInput={(e) => setFilters({ ...filters, eventType: e.currentTarget.value })}
        />
        <datalist id="notification-event-types">
          {[...NOTIFICATION_TYPES, ...CEO_EVENT_TYPES].map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        {select('reason', 'Reason', REASONS)}
        <button type="submit">Filter</button>
      </form>
      {error && <p class="error">{error}</p>}
      <table class="table" aria-label="Notifications">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Tier</th>
            <th>Status</th>
            <th>Message</th>
            <th>Why the CEO stayed quiet</th>
          </tr>
        </thead>
        <tbody>
          {items?.map((n) => (
            <NotificationRow key={n.id} n={n} />
          ))}
        </tbody>
      </table>
      {items && !items.length && !error && (
        <p class="muted">Nothing here yet: the CEO has not been told about anything.</p>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
