import { signal } from '@preact/signals';
import { ApiFailure, hq, ok } from '../api/client';
import type { Schema } from '../api/schema';

export type Me = Schema<'Me'>;
export type Role = Me['role'];

/** undefined while loading, null when signed out. */
export const me = signal<Me | null | undefined>(undefined);

/** Asks the server who we are (the cookie decides; the browser holds no token). */
export async function loadMe(): Promise<void> {
  try {
    me.value = await ok(hq.GET('/api/me'));
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 401 || error.status === 403))
      me.value = null;
    else throw error;
  }
}

export async function signOut(): Promise<void> {
  await ok(hq.POST('/auth/logout'));
  me.value = null;
}

export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const hasRole = (user: Me | null | undefined, min: Role) =>
  !!user && ROLE_RANK[user.role] >= ROLE_RANK[min];
