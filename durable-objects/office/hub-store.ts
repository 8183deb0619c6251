import { defaultLayout, withDesksFor } from '../../worker/office/arrange';
import type { Layout } from '../../worker/office/layout';
import type { OfficeAgent } from '../../worker/office/protocol';

/**
 * What the office hub keeps in its own storage (synchronous KV, so it survives hibernation
 * and eviction): the feed cursor, the message counter, the layout, and a fingerprint of what
 * each agent last looked like to the clients, so a wake-up never resends what they have.
 */
export class HubStore {
  constructor(private readonly kv: SyncKvStorage) {}

  cursor(): number | undefined {
    return this.kv.get<number>('cursor');
  }

  setCursor(id: number) {
    this.kv.put('cursor', id);
  }

  /** The number of the last broadcast: a snapshot carries it, so it never opens a gap. */
  seq(): number {
    return this.kv.get<number>('seq') ?? 0;
  }

  nextSeq(): number {
    const seq = (this.kv.get<number>('seq') ?? 0) + 1;
    this.kv.put('seq', seq);
    return seq;
  }

  /** Skips `n` numbers: the clients see a gap (messages they will not get) and resync. */
  skipSeq(n: number) {
    this.kv.put('seq', this.seq() + n);
  }

  /** Agents with a remembered view: one per agent on the roster, departed ones forgotten. */
  sentCount(): number {
    return Object.keys(this.kv.get<Record<string, string>>('sent') ?? {}).length;
  }

  /** The stored layout with one desk per agent in `agentIds`; stored again when that changed it. */
  layoutFor(agentIds: readonly string[]): { layout: Layout; changed: boolean } {
    const stored = this.kv.get<Layout>('layout');
    const layout = withDesksFor(stored ?? defaultLayout(agentIds), agentIds);
    const changed = JSON.stringify(layout) !== JSON.stringify(stored);
    if (changed) this.kv.put('layout', layout);
    return { layout, changed };
  }

  setLayout(layout: Layout) {
    this.kv.put('layout', layout);
  }

  /** Agents whose view differs from what the clients were last sent; remembers the new views. */
  changedAgents(agents: readonly OfficeAgent[]): OfficeAgent[] {
    const sent = this.kv.get<Record<string, string>>('sent') ?? {};
    const changed = agents.filter((agent) => sent[agent.id] !== JSON.stringify(agent));
    for (const agent of changed) sent[agent.id] = JSON.stringify(agent);
    if (changed.length > 0) this.kv.put('sent', sent);
    return changed;
  }

  /** Ids the clients know of that are no longer on the roster; forgets them. */
  departed(current: ReadonlySet<string>): string[] {
    const sent = this.kv.get<Record<string, string>>('sent') ?? {};
    const gone = Object.keys(sent).filter((id) => !current.has(id));
    for (const id of gone) delete sent[id];
    if (gone.length > 0) this.kv.put('sent', sent);
    return gone;
  }
}
