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

export interface Notification {
  id: string;
  eventType: string;
  entityType: string | null;
  entityId: string | null;
  tier: string;
  status: (typeof NOTIFICATION_STATUSES)[number];
  reason: string | null;
  explanation: string | null;
  fingerprint: string | null;
  channel: string | null;
  proactive: boolean;
  lowSignal: boolean;
  text: string;
  rawText: string | null;
  voice: string | null;
  digestId: string | null;
  details?: Record<string, unknown> | null;
  createdAt: string;
  sentAt: string | null;
  /** A ready-for-review notification whose task still waits: the row offers the verdict. */
  reviewOpen: boolean;
}

export interface CeoState {
  now: string | null;
  queueDepth: number;
  /** Queue items that failed every attempt and were set aside. */
  deadLetters: { key: string; kind: string; error: string; attempts: number; at: string | null }[];
  digest: {
    size: number;
    dueAt: string | null;
    flushInProgress: string | null;
    /** Older members the CEO keeps as a count only (its buffer is capped at 500). */
    folded: number;
    members: { id: string; type: string; text: string; lowSignal: boolean; at: string | null }[];
  };
  guards: Record<string, { closed: boolean; until: string | null }>;
  lastOperatorMessageAt: string | null;
  lastProactiveSentAt: string | null;
  lastScanAt: string | null;
  model: { configured: boolean; voiceSpentTodayUsd: number; voiceDailyBudgetUsd: number };
}

export interface ScanResult {
  id: string;
  findings: {
    trigger: string;
    text: string;
    status: 'sent' | 'suppressed';
    reason: string | null;
  }[];
  sent: boolean;
  reason: string | null;
}

/** A notification that others point at with their `digestId`: digests and ops scans. */
export const hasMembers = (n: Notification) =>
  n.eventType === 'digest' || n.eventType === 'ops.scan';

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
