import { envValue } from './env';
import { encryptionKeyProblem, previousKeysProblem } from './secrets/seal';

const MIN_SECRET_BYTES = 32;

/** Why SESSION_SECRET cannot be used, or undefined when it can. There is no fallback secret. */
export function sessionSecretProblem(env: Env): string | undefined {
  const secret = envValue(env, 'SESSION_SECRET');
  if (!secret) {
    return 'SESSION_SECRET is not set: set it to at least 32 random bytes (npm start generates one in .dev.vars).';
  }
  const bytes = new TextEncoder().encode(secret).length;
  if (bytes < MIN_SECRET_BYTES) {
    return `SESSION_SECRET is too short (${bytes} bytes): it must be at least ${MIN_SECRET_BYTES} bytes.`;
  }
  return undefined;
}

/** Every configuration problem that stops HQ from working safely. Empty means healthy. */
export function configProblems(env: Env): string[] {
  const problems: string[] = [];
  const secret = sessionSecretProblem(env);
  if (secret) problems.push(secret);
  const encryption = encryptionKeyProblem(env);
  if (encryption) problems.push(encryption);
  const previousKeys = previousKeysProblem(env);
  if (previousKeys) problems.push(previousKeys);
  if (!env.DB) problems.push('The D1 binding DB is missing from the worker configuration.');
  return problems;
}
