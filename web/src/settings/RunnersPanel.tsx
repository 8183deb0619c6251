import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';

interface Runner {
  id: string;
  name: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  capabilities: { preset: string; version: string | null }[] | null;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** What a runner said it can run when it started (HQ hands it only those agents' tasks). */
function capabilityText(runner: Runner): string {
  if (!runner.capabilities) return 'not declared yet (takes only agents without an executor)';
  if (runner.capabilities.length === 0) return 'nothing';
  return runner.capabilities
    .map((c) => (c.version ? `${c.preset} (${c.version})` : c.preset))
    .join(', ');
}

/** The runners: register one (its token is shown once), what each can run, revoke. */
export function RunnersPanel() {
  const [runners, setRunners] = useState<Runner[]>([]);
  const [name, setName] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => api<{ runners: Runner[] }>('/api/runners').then((r) => setRunners(r.runners));
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);

  async function act(work: () => Promise<void>) {
    try {
      await work();
      setError(null);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const register = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const created = await api<{ token: string }>('/api/runners', {
        method: 'POST',
        body: { name },
      });
      setToken(created.token);
      setName('');
    });
  };

  return (
    <div class="panel" data-testid="runners-panel">
      <h3>Runners</h3>
      {error && <p class="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Runner</th>
            <th>Can run</th>
            <th>Last seen</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runners.map((r) => (
            <tr key={r.id} data-testid={`runner-${r.name}`}>
              <td>{r.name}</td>
              <td>{capabilityText(r)}</td>
              <td>{r.revokedAt ? `revoked ${when(r.revokedAt)}` : when(r.lastSeenAt)}</td>
              <td>
                {!r.revokedAt && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(() => api(`/api/runners/${r.id}`, { method: 'DELETE' }).then())
                    }
                  >
                    Revoke {r.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={register}>
        <label>
          New runner name{' '}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>{' '}
        <button type="submit">Register runner</button>
      </form>
      {token && (
        <p role="status" class="notice">
          Its token, shown this once: <code data-testid="runner-token">{token}</code>. Start it with{' '}
          <code>HQ_RUNNER_TOKEN=… npm run runner -- --server … --repo NAME=PATH</code> (the token in
          the environment or a private --token-file, never on the command line).
        </p>
      )}
    </div>
  );
}
