/** What the runner is doing, shown as a person expects: task, phase, elapsed time, tokens. */
export class Progress {
  private readonly started = Date.now();
  readonly counts = {
    claimed: 0,
    reviewed: 0,
    failed: 0,
    merged: 0,
    conflicts: 0,
    moved: 0,
    released: 0,
  };

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  private stamp(ms: number): string {
    const s = Math.floor(ms / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }

  /** One line about one task; `tokens` null: the agent reported none (yet). */
  task(id: string, title: string, phase: string, since: number, tokens: number | null = 0): void {
    const used = tokens === null ? 'tokens unknown' : `${tokens} tokens`;
    this.out.write(
      `[${this.stamp(Date.now() - since)}] ${id.slice(0, 8)} "${title}" · ${phase} · ${used}\n`,
    );
  }

  info(message: string): void {
    this.out.write(`${message}\n`);
  }

  /** The closing summary. */
  summary(): void {
    const c = this.counts;
    this.out.write(
      `\nRunner stopped after ${this.stamp(Date.now() - this.started)}: ${c.claimed} claimed, ${c.reviewed} sent to review, ` +
        `${c.failed} failed, ${c.merged} merged, ${c.conflicts} merge conflicts, ${c.released} given back` +
        `${c.moved ? `, ${c.moved} sent back to review (branch moved)` : ''}.\n`,
    );
  }
}
