import { integer, text } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch. Plain numbers keep JSON and comparisons simple. */
export const epochMs = (name: string) => integer(name, { mode: 'number' });

/** A JSON document stored as text, typed for the application. */
export const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

/** 0/1 in SQLite, a boolean in TypeScript. */
export const flag = (name: string) => integer(name, { mode: 'boolean' });

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
