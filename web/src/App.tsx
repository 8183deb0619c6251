import { useEffect } from 'preact/hooks';
import { AgentPage } from './agents/AgentPage';
import { Roster } from './agents/Roster';
import { AuditLog } from './audit/AuditLog';
import { Profile } from './auth/Profile';
import { SignIn } from './auth/SignIn';
import { loadMe, me } from './auth/session';
import { ChatPage } from './chat/ChatPage';
import { Dashboard } from './dashboard/Dashboard';
import { MissionPage } from './missions/MissionPage';
import { Missions } from './missions/Missions';
import { NotificationsPage } from './notifications/NotificationsPage';
import { LazyOffice } from './office/LazyOffice';
import { currentPath, navigate } from './router';
import { RoutinePage } from './routines/RoutinePage';
import { RoutinesPage } from './routines/RoutinesPage';
import { SettingsPage } from './settings/SettingsPage';
import { Frame, NotBuiltYet } from './shell/Frame';
import { SECTIONS } from './shell/sections';
import { Board } from './tasks/Board';
import { ReviewQueue } from './tasks/ReviewQueue';
import { TaskDetail } from './tasks/TaskDetail';

function Page({ path }: { path: string }) {
  if (path === '/profile') return <Profile />;
  if (path === '/audit') return <AuditLog />;
  if (path === '/agents') return <Roster />;
  if (path.startsWith('/agents/'))
    return <AgentPage slug={decodeURIComponent(path.slice('/agents/'.length))} />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/') return <Dashboard />;
  if (path === '/missions') return <Missions />;
  if (path.startsWith('/missions/'))
    return <MissionPage id={decodeURIComponent(path.slice('/missions/'.length))} />;
  if (path === '/routines') return <RoutinesPage />;
  if (path.startsWith('/routines/'))
    return <RoutinePage id={decodeURIComponent(path.slice('/routines/'.length))} />;
  if (path === '/tasks') return <Board />;
  if (path.startsWith('/tasks/'))
    return <TaskDetail id={decodeURIComponent(path.slice('/tasks/'.length))} />;
  if (path === '/review') return <ReviewQueue />;
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/chat') return <ChatPage />;
  if (path === '/office') return <LazyOffice />;
  const section = SECTIONS.find((s) => s.path === path);
  return <NotBuiltYet title={section?.label ?? 'Not found'} />;
}

/** Signed out: the sign-in page. Signed in: the frame around the current section. */
export function App() {
  useEffect(() => {
    void loadMe();
  }, []);

  const path = currentPath.value;
  const user = me.value;
  useEffect(() => {
    if (user === null && path !== '/signin') navigate('/signin', true);
    if (user && path === '/signin') navigate('/', true);
  }, [user, path]);

  if (user === undefined) return <p class="loading">Loading…</p>;
  if (user === null) return <SignIn />;
  return (
    <Frame>
      <Page path={path} />
    </Frame>
  );
}
