import { navigate } from '../router';
import { TelegramPanel } from '../telegram/TelegramPanel';
import { me, type Role, signOut } from './session';

const CAN: Record<Role, string> = {
  viewer: 'You can read everything: agents, missions, tasks, notifications and the audit log.',
  operator: 'You can read everything, propose and approve missions, review tasks and edit agents.',
  admin:
    'You can do everything an operator can, and manage roles, settings, MCP servers and rollbacks.',
};

/** Who you are signed in as, and what that lets you do. */
export function Profile() {
  const user = me.value;
  if (!user) return null;
  return (
    <section>
      <h2>Profile</h2>
      <dl class="facts">
        <dt>Email</dt>
        <dd data-testid="profile-email">{user.email}</dd>
        <dt>Role</dt>
        <dd data-testid="profile-role">{user.role}</dd>
      </dl>
      <p>{CAN[user.role]}</p>
      <TelegramPanel />
      <button type="button" onClick={() => signOut().then(() => navigate('/signin', true))}>
        Sign out
      </button>
    </section>
  );
}
