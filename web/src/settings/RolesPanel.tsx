import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { Role } from '../auth/session';
import type { RoleEntry } from './types';

/** Who has which role; admins grant and revoke here (every change is audited). */
export function RolesPanel() {
  const [roles, setRoles] = useState<RoleEntry[]>([]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [error, setError] = useState<string | null>(null);

  const load = () => ok(hq.GET('/api/roles')).then((r) => setRoles(r.roles));
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
      setError(null);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <div class="panel">
      <h3>Roles</h3>
      {error && <p class="error">{error}</p>}
      <table class="table">
        <tbody>
          {roles.map((r) => (
            <tr key={r.email}>
              <td>{r.email}</td>
              <td>{r.role ?? 'revoked'}</td>
              <td class="muted">{r.source}</td>
              <td>
                {r.role && (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() =>
                      run(() =>
                        ok(
                          hq.DELETE('/api/roles/{email}', { params: { path: { email: r.email } } }),
                        ),
                      )
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() =>
            ok(hq.PUT('/api/roles/{email}', { params: { path: { email } }, body: { role } })),
          );
        }}
      >
        <input
          type="email"
          placeholder="email"
          aria-label="Email to grant"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          required
        />
        <select
          aria-label="Role to grant"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        >
          <option>viewer</option>
          <option>operator</option>
          <option>admin</option>
        </select>
        <button type="submit">Grant</button>
      </form>
    </div>
  );
}
