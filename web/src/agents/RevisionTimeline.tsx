import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { DiffView } from './DiffView';
import { type RevisionSummary, TRACKED_FIELDS } from './types';

const RESTORED = TRACKED_FIELDS.filter((field) => field !== 'mcpServers');

/** Every revision of the agent, newest first, each with its diff and (for admins) a rollback. */
export function RevisionTimeline({
  slug,
  version,
  onRolledBack,
}: {
  slug: string;
  version: number;
  onRolledBack: (message: string) => void;
}) {
  const [items, setItems] = useState<RevisionSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load(from: string | null) {
    const page = await ok(
      hq.GET('/api/agents/{slug}/revisions', {
        params: { path: { slug }, query: { limit: 20, ...(from ? { cursor: from } : {}) } },
      }),
    );
    setItems((current) => (from ? [...current, ...page.items] : page.items));
    setCursor(page.nextCursor);
  }
  // Reload whenever the agent changed (version is its revision number).

  useEffect(() => {
    load(null).catch((e) => setError(messageOf(e)));
  }, [slug, version]);

  return (
    <section class="timeline">
      <h3>Revisions</h3>
      {error && <p class="error">{error}</p>}
      <ol>
        {items.map((r) => (
          <li key={r.number} class="revision" data-testid={`revision-${r.number}`}>
            <header>
              <strong>Revision {r.number}</strong>{' '}
              <span class="muted">
                by {r.actor} · {new Date(r.createdAt).toLocaleString()}
              </span>
              {r.reason && <div class="reason">“{r.reason}”</div>}
            </header>
            <DiffView changes={r.diff} />
            {hasRole(me.value, 'admin') && r.number !== version && (
              <button type="button" class="secondary" onClick={() => setConfirming(r.number)}>
                Roll back to revision {r.number}
              </button>
            )}
            {confirming === r.number && (
              <RollbackConfirm
                slug={slug}
                toRevision={r.number}
                onCancel={() => setConfirming(null)}
                onDone={(message) => {
                  setConfirming(null);
                  onRolledBack(message);
                }}
              />
            )}
          </li>
        ))}
      </ol>
      {cursor && (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          Older revisions
        </button>
      )}
    </section>
  );
}

function RollbackConfirm(props: {
  slug: string;
  toRevision: number;
  onCancel: () => void;
  onDone: (m: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function confirm() {
    try {
      const result = await ok(
        hq.POST('/api/agents/{slug}/rollback', {
          params: { path: { slug: props.slug } },
          body: { toRevision: props.toRevision, reason },
        }),
      );
      props.onDone(
        result.revision === null
          ? 'The agent already matched that revision.'
          : `Rolled back as revision ${result.revision}. Not restored: ${result.unrestored.map((u) => u.field).join(', ')}.`,
      );
    } catch (e) {
      setError(messageOf(e));
    }
  }
  return (
    <div class="confirm" role="dialog" aria-label="Confirm rollback">
      <p>
        Restore <strong>{RESTORED.join(', ')}</strong> from revision {props.toRevision}. This makes
        a new revision.
      </p>
      <p class="warning">
        Will not be restored: <strong>mcpServers</strong> — revisions keep MCP secrets redacted, so
        the current servers stay as they are.
      </p>
      <label>
        Reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="button" onClick={confirm} disabled={!reason.trim()}>
        Confirm rollback
      </button>{' '}
      <button type="button" class="secondary" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
