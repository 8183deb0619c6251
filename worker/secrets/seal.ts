import { envValue } from '../env';
import { DomainError } from '../errors';

/**
 * `v2.<key id>.<iv>.<ciphertext>`. The key id (a short SHA-256 fingerprint of the key) says
 * which key sealed a value, so reads go straight to that key and the health check and the
 * reseal can tell a value's standing without decrypting it. `v1` values (no key id) predate
 * rotation: they are opened by trying every key, and the reseal rewrites them as `v2`.
 */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const KEY_ID_HEX = 12;

interface SealingKey {
  id: string;
  key: CryptoKey;
}
const imported = new Map<string, Promise<SealingKey>>();

/** A value sealed under a key that is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS. */
export class UnreadableSecretError extends Error {
  constructor() {
    super(
      'No key opens this sealed value: it was sealed under a key that is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS.',
    );
    this.name = 'UnreadableSecretError';
  }
}

const isKey = (raw: string) => {
  try {
    return fromBase64(raw).length === 32;
  } catch {
    return false; // not base64
  }
};

/** Why ENCRYPTION_KEY cannot be used, or undefined. It must be 32 bytes, base64-encoded. */
export function encryptionKeyProblem(env: Env): string | undefined {
  const raw = envValue(env, 'ENCRYPTION_KEY');
  if (!raw)
    return 'ENCRYPTION_KEY is not set: set it to 32 random bytes, base64 (npm start generates one).';
  return isKey(raw) ? undefined : 'ENCRYPTION_KEY must be 32 bytes, base64-encoded.';
}

const previousKeys = (env: Env) =>
  (envValue(env, 'ENCRYPTION_KEY_PREVIOUS') ?? '')
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean);

/**
 * Why ENCRYPTION_KEY_PREVIOUS cannot be used, or undefined. A malformed old key is refused
 * rather than skipped: skipped, the values it sealed would look lost and invite an overwrite.
 * The message names the entry by position, never by value.
 */
export function previousKeysProblem(env: Env): string | undefined {
  const keys = previousKeys(env);
  const bad = keys.findIndex((raw) => !isKey(raw));
  if (bad === -1) return undefined;
  return `ENCRYPTION_KEY_PREVIOUS: key ${bad + 1} of ${keys.length} must be 32 bytes, base64-encoded (comma-separated old keys).`;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const toHex = (bytes: Uint8Array) =>
  [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * Fails closed when secrets could not be sealed or opened: a `misconfigured` error naming the
 * variable, which the API answers with 503.
 */
export function requireEncryptionKey(env: Env): void {
  const problem = encryptionKeyProblem(env) ?? previousKeysProblem(env);
  if (problem) throw new DomainError('misconfigured', problem);
}

function importKey(raw: string): Promise<SealingKey> {
  let key = imported.get(raw);
  if (!key) {
    const bytes = fromBase64(raw);
    key = Promise.all([
      crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']),
      crypto.subtle.digest('SHA-256', bytes),
    ]).then(([cryptoKey, digest]) => ({
      id: toHex(new Uint8Array(digest)).slice(0, KEY_ID_HEX),
      key: cryptoKey,
    }));
    imported.set(raw, key);
  }
  return key;
}

/** ENCRYPTION_KEY, then each key of ENCRYPTION_KEY_PREVIOUS in the order given. */
async function keyring(env: Env): Promise<{ current: SealingKey; all: SealingKey[] }> {
  requireEncryptionKey(env);
  const current = await importKey(envValue(env, 'ENCRYPTION_KEY') ?? '');
  const previous = await Promise.all(previousKeys(env).map(importKey));
  return { current, all: [current, ...previous] };
}

/** The prefix every value sealed under the current ENCRYPTION_KEY starts with. */
export async function currentKeyPrefix(env: Env): Promise<string> {
  return `${VERSION}.${(await keyring(env)).current.id}.`;
}

/** Encrypts a JSON value with AES-256-GCM under ENCRYPTION_KEY. */
export async function seal(env: Env, value: unknown): Promise<string> {
  const { current } = await keyring(env);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const cipher = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, current.key, plain),
  );
  return `${VERSION}.${current.id}.${toBase64(iv)}.${toBase64(cipher)}`;
}

/** The parts of a sealed value, or undefined when it is in no format we know. */
function parse(sealed: string) {
  const parts = sealed.split('.');
  if (parts[0] === VERSION && parts.length === 4) {
    const [, keyId, iv, cipher] = parts as [string, string, string, string];
    return { keyId, iv, cipher };
  }
  if (parts[0] === LEGACY_VERSION && parts.length === 3) {
    const [, iv, cipher] = parts as [string, string, string];
    return { keyId: undefined, iv, cipher };
  }
  return undefined;
}

/** Decrypts what `seal` produced, with whichever key sealed it; UnreadableSecretError if none. */
export async function unseal<T>(env: Env, sealed: string): Promise<T> {
  const { all } = await keyring(env);
  const parts = parse(sealed);
  if (!parts) throw new UnreadableSecretError();
  const candidates = parts.keyId === undefined ? all : all.filter((k) => k.id === parts.keyId);
  for (const candidate of candidates) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(parts.iv) },
        candidate.key,
        fromBase64(parts.cipher),
      );
      return JSON.parse(new TextDecoder().decode(plain)) as T;
    } catch {
      // Not this key (or a damaged value): try the next; none left means unreadable.
    }
  }
  throw new UnreadableSecretError();
}

/** Where a sealed value stands, by its key id alone when it has one (no decryption). */
export async function sealedStanding(
  env: Env,
  sealed: string,
): Promise<'current' | 'stale' | 'unreadable'> {
  const { current, all } = await keyring(env);
  const keyId = parse(sealed)?.keyId;
  if (keyId === current.id) return 'current';
  if (keyId !== undefined) return all.some((k) => k.id === keyId) ? 'stale' : 'unreadable';
  // A legacy value has no key id: only decrypting it tells.
  return unseal(env, sealed).then(
    () => 'stale',
    (error: unknown) => {
      if (error instanceof UnreadableSecretError) return 'unreadable';
      throw error;
    },
  );
}

/**
 * The same value sealed under the current key, or null when it already is. Throws
 * UnreadableSecretError when no key opens it.
 */
export async function resealed(env: Env, sealed: string): Promise<string | null> {
  if ((await sealedStanding(env, sealed)) === 'current') return null;
  return seal(env, await unseal<unknown>(env, sealed));
}
