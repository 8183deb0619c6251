import { useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import type { Schema } from '../api/schema';
import { useManagedList } from './useManagedList';

/** A runner as GET /api/runners lists it (null fields: the runner never said). */
type Runner = Schema<'Runner'>;

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** What a runner said it can run when it started (HQ hands it only those agents' tasks). */
function capabilityText(runner: Runner): string {
  if (!runner.capabilities) return 'not declared yet';
  if (runner.capabilities.length === 0) return 'no preset (agents without an executor only)';
  return runner.capabilities
    .map((c) => (c.version ? `${c.preset} (${c.version})` : c.preset))
    .join(', ');
}

/** The runner code it runs, as it said at start. */
function versionText(runner: Runner): string {
  if (runner.runnerVersion) return runner.runnerVersion;
  return runner.capabilities ? 'not said (an older runner)' : 'not declared yet';
}

/** The repositories a runner serves (it claims only their tasks); `pushes` to their remote. */
function repositoriesText(runner: Runner): string {
  if (!runner.repositories) return 'not declared yet (claims nothing)';
  if (runner.repositories.length === 0) return 'none (claims nothing)';
  return runner.repositories.map((r) => (r.pushes ? `${r.name} (pushes)` : r.name)).join(', ');
}

/** Bytes for people: 1.5 GB, 820 MB (powers of 1000, as disks are sold and `df -H` shows). */
function humanBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Free disk where the runner keeps its clones, and how many it holds, as it last said. */
function diskText(runner: Runner): string {
  if (!runner.disk) return 'not reported';
  const { freeBytes, clones } = runner.disk;
  return `${humanBytes(freeBytes)} free, ${clones} clone${clones === 1 ? '' : 's'}`;
}

/**
 * The runners: register one (its token is shown once), the version of each, what it can run,
 * the repositories it serves and its disk, revoke.
 */
export function RunnersPanel() {
  const {
    items: runners,
    error,
    act,
  } = useManagedList('runners', () => ok(hq.GET('/api/runners')).then((body) => body.runners));
  const [name, setName] = useState('');
  // The new runner's token and start command: shown once, never fetched again.
  const [created, setCreated] = useState<{ token: string; startCommand: string } | null>(null);

  const register = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      setCreated(await ok(hq.POST('/api/runners', { body: { name } })));
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
            <th>Version</th>
            <th>Can run</th>
            <th>Repositories</th>
            <th>Disk</th>
            <th>Running</th>
            <th>Last seen</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runners.map((r) => (
            <tr key={r.id} data-testid={`runner-${r.name}`}>
              <td>{r.name}</td>
              <td data-testid={`runner-version-${r.name}`}>{versionText(r)}</td>
              <td>{capabilityText(r)}</td>
              <td data-testid={`runner-repositories-${r.name}`}>{repositoriesText(r)}</td>
              <td
                data-testid={`runner-disk-${r.name}`}
                title={r.disk ? `as of ${when(r.disk.at)}` : ''}
              >
                {diskText(r)}
              </td>
              <td data-testid={`runner-running-${r.name}`}>
                {r.currentTasks.length
                  ? r.currentTasks.map((t) => (
                      <a key={t.id} href={`/tasks/${t.id}`}>
                        {t.title}{' '}
                      </a>
                    ))
                  : 'idle'}
              </td>
              <td>{r.revokedAt ? `revoked ${when(r.revokedAt)}` : when(r.lastSeenAt)}</td>
              <td>
                {!r.revokedAt && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(() =>
                        ok(hq.DELETE('/api/runners/{id}', { params: { path: { id: r.id } } })).then(
                          () => undefined,
                        ),
                      )
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
      {created && (
        <div role="status" class="notice">
          <p>
            Its token, shown this once: <code data-testid="runner-token">{created.token}</code>.
            Start it on the machine that has the repository (set NAME=PATH and your agent's command;
            the token goes in the environment or a private --token-file, never on the command line):
          </p>
          <pre data-testid="runner-start-command">{created.startCommand}</pre>
        </div>
      )}
    </div>
  );
}
