import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import type { Schema } from '../api/schema';
import { useManagedList } from './useManagedList';

type ApiToken = Schema<'ApiToken'>;
type TokenRole = ApiToken['role'];

const when = (iso: string | null, otherwise: string) =>
  iso ? new Date(iso).toLocaleString() : otherwise;

/** Where a token stands: revoked, expired, or until when it works. */
function stateText(t: ApiToken): string {
  if (t.revokedAt) return `revoked ${when(t.revokedAt, '')}`;
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now())
    return `expired ${when(t.expiresAt, '')}`;
  return t.expiresAt ? `until ${when(t.expiresAt, '')}` : 'no expiry';
}

/**
 * API tokens for scripts and integrations: create one (its secret is shown this once, with a
 * curl line to try it), see each one's role, expiry and last use, revoke. The page itself
 * never uses a token: it stays on the session cookie.
 */
export function ApiTokensPanel() {
  const {
    items: tokens,
    error,
    act,
  } = useManagedList(
    'tokens',
    () => ok(hq.GET('/api/tokens')).then((body) => body.tokens),
    describeFailure,
  );
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('viewer');
  // A date (yyyy-mm-dd) or empty: no expiry.
  const [expires, setExpires] = useState('');
  // The new token: shown once, never fetched again.
  const [created, setCreated] = useState<(ApiToken & { token: string }) | null>(null);

  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      // The end of the chosen day, where the admin is.
      const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined;
      setCreated(
        await ok(
          hq.POST('/api/tokens', { body: { name, role, ...(expiresAt ? { expiresAt } : {}) } }),
        ),
      );
      setName('');
      setExpires('');
    });
  };

  return (
    <div class="panel" data-testid="api-tokens-panel">
      <h3>API tokens</h3>
      <p class="muted">
        For scripts and integrations: a bearer token on /api/* with the viewer or operator role
        (never admin routes, never the chat). What a token writes is in the audit log as token:NAME.
      </p>
      {error && <p class="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Token</th>
            <th>Role</th>
            <th>Expiry</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-testid={`api-token-${t.name}`}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td data-testid={`api-token-state-${t.name}`}>{stateText(t)}</td>
              <td data-testid={`api-token-used-${t.name}`}>{when(t.lastUsedAt, 'never')}</td>
              <td>
                {!t.revokedAt && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(() =>
                        ok(hq.DELETE('/api/tokens/{id}', { params: { path: { id: t.id } } })).then(
                          () => undefined,
                        ),
                      )
                    }
                  >
                    Revoke {t.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create}>
        <label>
          New token name{' '}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>{' '}
        <label>
          Token role{' '}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as TokenRole)}>
            <option value="viewer">viewer (reads)</option>
            <option value="operator">operator (reads and operator writes)</option>
          </select>
        </label>{' '}
        <label>
          Expires (optional){' '}
          <input type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>{' '}
        <button type="submit">Create token</button>
      </form>
      {created && (
        <div role="status" class="notice">
          <p>
            Token {created.name}, shown this once (HQ keeps only a hash): copy it now into your
            script's secret store. <code data-testid="api-token-secret">{created.token}</code>
          </p>
          <pre data-testid="api-token-example">{`curl -H "Authorization: Bearer ${created.token}" ${location.origin}/api/tasks`}</pre>
        </div>
      )}
    </div>
  );
}
