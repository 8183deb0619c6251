// The CEO's rules about when to speak, as pure functions over plain data (numbers from SPEC §5).

/** DIGEST events wait this long (from the first one buffered) before the digest is considered. */
export const DIGEST_DELAY_MS = 5 * 60_000;
/** No proactive message this soon after the operator's last message. */
export const OPERATOR_QUIET_MS = 90_000;
/** No proactive message this soon after a proactive send failed. */
export const FAILED_SEND_BACKOFF_MS = 5 * 60_000;
/** Proactive messages are at least this far apart. */
export const PROACTIVE_SPACING_MS = 3 * 60_000;
/** The ops scan runs by itself this often. */
export const SCAN_INTERVAL_MS = 60 * 60_000;

export interface DigestMember {
  type: string;
  entityType: string | null;
  entityId: string | null;
  lowSignal: boolean;
}

export type DigestVerdict = 'send' | 'weak_singleton' | 'thin_low_signal_batch';

/**
 * The quality gate: a batch with any high-signal event is worth sending. A batch of only
 * low-signal events is not when it is a single event, or fewer than 3 events about fewer
 * than 2 distinct entities.
 */
export function digestGate(batch: DigestMember[]): DigestVerdict {
  if (batch.some((member) => !member.lowSignal)) return 'send';
  if (batch.length === 1) return 'weak_singleton';
  const entities = new Set(batch.map((m) => `${m.entityType}:${m.entityId}`));
  if (batch.length < 3 && entities.size < 2) return 'thin_low_signal_batch';
  return 'send';
}

/** A SHA-256 (hex) of what something is about, independent of the parts' order and repeats. */
export async function fingerprintOf(parts: string[]): Promise<string> {
  const sorted = [...new Set(parts)].sort();
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(sorted.join('\n')));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

type Subject = Pick<DigestMember, 'type' | 'entityType' | 'entityId'>;
const subjectPart = (m: Subject) => `${m.type}|${m.entityType}:${m.entityId}`;

/** What one notification is about: its event type and its entity (an ops finding: its trigger and subject). */
export const subjectFingerprint = (m: Subject) => fingerprintOf([subjectPart(m)]);

/** What a digest is about (event types and entity ids), independent of order and repeats. */
export const digestFingerprint = (batch: Subject[]) => fingerprintOf(batch.map(subjectPart));

/** When things last happened, as far as the guards are concerned (null: never). */
export interface GuardClock {
  lastOperatorMessageAt: number | null;
  lastFailedProactiveAt: number | null;
  lastProactiveSentAt: number | null;
}

export type GuardReason = 'operator_active' | 'recent_send_failure' | 'too_soon';

/** The guards of a proactive message, in order; the first that holds keeps the CEO quiet. */
export function proactiveGuard(clock: GuardClock, now: number): GuardReason | null {
  const within = (at: number | null, ms: number) => at !== null && now - at < ms;
  if (within(clock.lastOperatorMessageAt, OPERATOR_QUIET_MS)) return 'operator_active';
  if (within(clock.lastFailedProactiveAt, FAILED_SEND_BACKOFF_MS)) return 'recent_send_failure';
  if (within(clock.lastProactiveSentAt, PROACTIVE_SPACING_MS)) return 'too_soon';
  return null;
}

/** Each guard's state now: closed (holding the CEO back) until when. For the state view. */
export function guardStates(clock: GuardClock, now: number) {
  const state = (at: number | null, ms: number) => {
    const until = at === null ? null : at + ms;
    return { closed: until !== null && now < until, until };
  };
  return {
    operator_active: state(clock.lastOperatorMessageAt, OPERATOR_QUIET_MS),
    recent_send_failure: state(clock.lastFailedProactiveAt, FAILED_SEND_BACKOFF_MS),
    too_soon: state(clock.lastProactiveSentAt, PROACTIVE_SPACING_MS),
  };
}
