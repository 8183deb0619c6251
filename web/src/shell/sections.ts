import type { Role } from '../auth/session';

/** The sections of the app, in sidebar order. `min` hides a link from lower roles. */
export const SECTIONS: { path: string; label: string; min?: Role }[] = [
  { path: '/', label: 'Dashboard' },
  { path: '/agents', label: 'Agents' },
  { path: '/missions', label: 'Missions' },
  { path: '/routines', label: 'Routines' },
  { path: '/tasks', label: 'Tasks' },
  { path: '/review', label: 'Review' },
  { path: '/notifications', label: 'Notifications' },
  { path: '/audit', label: 'Audit log' },
  { path: '/chat', label: 'Chat' },
  { path: '/office', label: 'Office' },
  { path: '/settings', label: 'Settings', min: 'admin' },
];
