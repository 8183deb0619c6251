import type { Answered, Schema } from '../api/schema';

export {
  NOTIFICATION_TIERS,
  NOTIFICATION_TYPES,
  SUPPRESSION_REASONS,
} from '../../../worker/notifications/catalog';

/** The states a notification moves through (drizzle/schema/ceo.ts). */
export const NOTIFICATION_STATUSES = [
  'pending',
  'sending',
  'sent',
  'suppressed',
  'failed',
] as const;

/** What the CEO sends on its own besides single events; ops findings are `ops.<trigger>`. */
export const CEO_EVENT_TYPES = ['digest', 'briefing', 'ops.scan'] as const;

/** Reasons stored on rows that were not suppressed: where the event went instead. */
export const ROUTING_REASONS: Record<string, string> = {
  buffered: 'Waiting in the digest buffer.',
  in_digest: 'Went out inside a digest.',
};

export type Notification = Schema<'Notification'>;

export type CeoState = Schema<'CeoState'>;

/** What one ops scan found and whether it sent anything. */
export type ScanResult = Answered<'/api/ceo/scan', 'post'>;

/** A notification that others point at with their `digestId`: digests and ops scans. */
export const hasMembers = (n: Notification) =>
  n.eventType === 'digest' || n.eventType === 'ops.scan';

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
