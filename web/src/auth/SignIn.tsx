import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { GetOk } from '../api/schema';
import { currentQuery, navigate } from '../router';
import { me } from './session';

type Providers = GetOk<'/auth/providers'>;

/** The sign-in page: configured providers, and local sign-in when the server enables it. */
export function SignIn() {
  const [providers, setProviders] = useState<Providers | null>(null);
  const [email, setEmail] = useState('admin@hq.local');
  const [error, setError] = useState<string | null>(currentQuery.value.get('error'));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    ok(hq.GET('/auth/providers')).then(setProviders, (e) => setError(messageOf(e)));
  }, []);

  async function devLogin(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      me.value = await ok(hq.POST('/auth/dev/login', { body: { email } }));
      navigate('/', true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <div class="signin-card">
        <h1>HQ</h1>
        <p class="muted">The control plane of your AI company.</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {providers?.providers.map((p) => (
          <a key={p.id} class="button provider" href={p.loginUrl}>
            Sign in with {p.name}
          </a>
        ))}
        {providers?.devLogin && (
          <form class="dev-login" onSubmit={devLogin}>
            <label for="email">Local sign-in (development only)</label>
            <input
              id="email"
              type="email"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
              required
            />
            <button type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in locally'}
            </button>
          </form>
        )}
        {providers && !providers.providers.length && !providers.devLogin && (
          <p class="muted">No sign-in method is configured on this server. See the README.</p>
        )}
      </div>
    </main>
  );
}
