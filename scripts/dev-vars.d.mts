// Types for the plain-ESM script, so TypeScript tests can import it.
export function generateSecret(): string;
export function ensureDevVars(rootDir: string): { created: boolean; path: string };
export function readDevVars(path: string): Record<string, string>;
