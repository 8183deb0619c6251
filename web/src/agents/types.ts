import type { Schema } from '../api/schema';

export { PROVIDERS, TRACKED_FIELDS } from '../../../worker/agents/catalog';
export type { Change } from '../../../worker/agents/diff';

/** The agent as the API returns it (secrets already redacted by the server). */
export type Agent = Schema<'Agent'>;

/** One revision in an agent's timeline, with its diff. */
export type RevisionSummary = Schema<'RevisionSummary'>;
