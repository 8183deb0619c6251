import { envValue } from '../env';
import { DomainError } from '../errors';

const VERSION = 'v1';
const keys = new Map<string, Promise<CryptoKey>>();

/** Why ENCRYPTION_KEY cannot be used, or undefined. It must be 32 bytes, base64-encoded. */
export function encryptionKeyProblem(env: Env): string | undefined {
  const raw = envValue(env, 'ENCRYPTION_KEY');
  if (!raw)
    return 'ENCRYPTION_KEY is not set: set it to 32 random bytes, base64 (npm start generates one).';
  try {
    if (fromBase64(raw).length === 32) return undefined;
  } catch {
    // fall through: not base64
  }
  return 'ENCRYPTION_KEY must be 32 bytes, base64-encoded.';
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * Fails closed when secrets could not be sealed: a `misconfigured` error naming the variable,
 * which the API answers with 503.
 */
export function requireEncryptionKey(env: Env): void {
  const problem = encryptionKeyProblem(env);
  if (problem) throw new DomainError('misconfigured', problem);
}

function key(env: Env): Promise<CryptoKey> {
  requireEncryptionKey(env);
  const raw = envValue(env, 'ENCRYPTION_KEY') ?? '';
  let imported = keys.get(raw);
  if (!imported) {
    imported = crypto.subtle.importKey('raw', fromBase64(raw), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    keys.set(raw, imported);
  }
  return imported;
}

/** Encrypts a JSON value with AES-256-GCM under ENCRYPTION_KEY: `v1.<iv>.<ciphertext>`. */
export async function seal(env: Env, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const cipher = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key(env), plain),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(cipher)}`;
}

/** Decrypts what `seal` produced. */
export async function unseal<T>(env: Env, sealed: string): Promise<T> {
  const [version, iv, cipher] = sealed.split('.');
  if (version !== VERSION || !iv || !cipher) throw new Error('sealed value has an unknown format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(iv) },
    await key(env),
    fromBase64(cipher),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}
