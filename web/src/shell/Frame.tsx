import type { ComponentChildren } from 'preact';
import { hasRole, me, signOut } from '../auth/session';
import { currentPath, navigate } from '../router';
import { SECTIONS } from './sections';

const isActive = (path: string) =>
  path === '/' ? currentPath.value === '/' : currentPath.value.startsWith(path);

/** The signed-in frame: sidebar navigation, the user's identity, and the page. */
export function Frame({ children }: { children: ComponentChildren }) {
  const user = me.value;
  return (
    <div class="frame">
      <nav class="sidebar" aria-label="Sections">
        <div class="brand">HQ</div>
        <ul>
          {SECTIONS.filter((s) => !s.min || hasRole(user, s.min)).map((s) => (
            <li key={s.path}>
              <a href={s.path} class={isActive(s.path) ? 'active' : ''}>
                {s.label}
              </a>
            </li>
          ))}
          <li>
            <a href="/docs/api/">API reference</a>
          </li>
        </ul>
        <div class="whoami">
          <a href="/profile" data-testid="whoami">
            <span class="email">{user?.email}</span>
            <span class={`role role-${user?.role}`}>{user?.role}</span>
          </a>
          <button
            type="button"
            class="link"
            onClick={() => signOut().then(() => navigate('/signin', true))}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main class="content">{children}</main>
    </div>
  );
}

/** A section that later work fills in: says so plainly instead of showing made-up data. */
export function NotBuiltYet({ title }: { title: string }) {
  return (
    <section>
      <h2>{title}</h2>
      <p class="muted">This section is not built yet.</p>
    </section>
  );
}
