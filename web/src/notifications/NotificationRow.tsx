import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { ReviewActions } from './ReviewActions';
import { hasMembers, type Notification, ROUTING_REASONS, when } from './types';

/** Why a notification was not (or not yet) sent, in words, with its reason code. */
export function Why({ n }: { n: Notification }) {
  if (!n.reason) {
    const error = n.details?.error;
    return n.status === 'failed' && typeof error === 'string' ? (
      <span class="error-text">{error}</span>
    ) : null;
  }
  const words = n.explanation ?? ROUTING_REASONS[n.reason] ?? null;
  return (
    <div class="why">
      <code>{n.reason}</code>
      {words && <div data-testid="explanation">{words}</div>}
    </div>
  );
}

/** One notification; digests and scans open to show the events they carried. */
export function NotificationRow({ n }: { n: Notification }) {
  const [members, setMembers] = useState<Notification[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setOpen(!open);
    if (members || open) return;
    try {
      const page = await ok(
        hq.GET('/api/notifications', { params: { query: { digestId: n.id, limit: 200 } } }),
      );
      setMembers(page.items);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <Fragment>
      <tr class={`notification status-${n.status}`} data-status={n.status} data-type={n.eventType}>
        <td class="nowrap">{when(n.createdAt)}</td>
        <td>
          <code>{n.eventType}</code>
          {n.lowSignal && <span class="flag">low signal</span>}
          {n.proactive && <span class="flag">proactive</span>}
        </td>
        <td>{n.tier}</td>
        <td>
          <span class={`badge notification-${n.status}`}>{n.status}</span>
          {n.channel && <div class="muted small">{n.channel}</div>}
        </td>
        <td class="notification-text">
          {n.text}
          {n.reviewOpen && n.entityId && hasRole(me.value, 'operator') && (
            <ReviewActions taskId={n.entityId} />
          )}
          {hasMembers(n) && (
            <div>
              <button type="button" class="link-button" aria-expanded={open} onClick={toggle}>
                {open ? 'Hide what it carried' : 'Show what it carried'}
              </button>
            </div>
          )}
        </td>
        <td>
          <Why n={n} />
        </td>
      </tr>
      {open && (
        <tr class="members">
          <td colSpan={6}>
            {error && <p class="error">{error}</p>}
            {members && !members.length && <p class="muted">No events attached.</p>}
            <ul class="plain">
              {members?.map((m) => (
                <li key={m.id}>
                  <code>{m.eventType}</code> <span class="badge">{m.status}</span> {m.text}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </Fragment>
  );
}
