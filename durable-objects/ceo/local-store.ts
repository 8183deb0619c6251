import type { BufferedMember } from '../../worker/ceo/digest';
import type { DomainEvent } from '../../worker/events/types';
import type { DeadLetter } from './item-progress';
import type { QueueItem } from './process';

/** How long processed keys are remembered, so a late duplicate (a Telegram retry) is ignored. */
const SEEN_FOR_MS = 7 * 24 * 3_600_000;

/**
 * The most digest members kept one by one. The flush and the state view read the whole
 * buffer into memory (the alarm's schedule, after every pass, only its oldest), and a digest
 * held back by its guards (quiet hours, an operator typing) keeps filling: past this, the
 * oldest are folded into a count that the digest still reports ("…and 4,500 more"), so
 * nothing is silently lost. A digest shows 20 lines; 500 is room enough for its gate and
 * fingerprint to see what the batch is about.
 */
export const MAX_DIGEST_MEMBERS = 500;

/**
 * The CEO's own durable state, in its Durable Object's SQLite: the queue, the digest buffer
 * and a few marks. Every change here is synchronous and transactional, so a restart finds it
 * exactly as the last completed step left it.
 */
export class CeoLocalStore {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
        item TEXT NOT NULL, enqueued_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
      -- Every processed item deletes the keys past SEEN_FOR_MS: by this index, not a scan.
      CREATE INDEX IF NOT EXISTS seen_at ON seen (at);
      CREATE TABLE IF NOT EXISTS digest_buffer (id TEXT PRIMARY KEY, member TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS item_steps (item_key TEXT NOT NULL, step TEXT NOT NULL, result TEXT,
        PRIMARY KEY (item_key, step));
      CREATE TABLE IF NOT EXISTS attempts (key TEXT PRIMARY KEY, n INTEGER NOT NULL, error TEXT);
      CREATE TABLE IF NOT EXISTS dead_letters (key TEXT PRIMARY KEY, item TEXT NOT NULL,
        error TEXT NOT NULL, attempts INTEGER NOT NULL, at INTEGER NOT NULL);
    `);
  }

  /** Adds an item unless its key is queued or was processed; false when it was a duplicate. */
  enqueue(key: string, item: QueueItem, now: number): boolean {
    // Checked, not left to ON CONFLICT: rowsWritten counts the AUTOINCREMENT bookkeeping even
    // when the insert is skipped. The object's SQL is synchronous, so nothing runs in between.
    const known = this.storage.sql
      .exec('SELECT 1 FROM seen WHERE key = ?1 UNION ALL SELECT 1 FROM queue WHERE key = ?1', key)
      .toArray();
    if (known.length) return false;
    this.storage.sql.exec(
      'INSERT INTO queue (key, item, enqueued_at) VALUES (?, ?, ?)',
      key,
      JSON.stringify(item),
      now,
    );
    return true;
  }

  /** Queues a page of domain events and moves the feed cursor, in one transaction. */
  enqueueEvents(events: DomainEvent[], now: number): void {
    this.storage.transactionSync(() => {
      for (const event of events) this.enqueue(`event-${event.id}`, { kind: 'event', event }, now);
      const last = events.at(-1);
      if (last !== undefined) this.setMark('cursor', String(last.id));
    });
  }

  /** The oldest waiting item. */
  head(): { key: string; item: QueueItem } | null {
    const row = this.storage.sql
      .exec<{ key: string; item: string }>('SELECT key, item FROM queue ORDER BY seq LIMIT 1')
      .toArray()[0];
    return row ? { key: row.key, item: JSON.parse(row.item) as QueueItem } : null;
  }

  /**
   * The run of event items at the head of the queue, oldest first, at most `limit`: it stops
   * before the first item that is not an event (a message runs in its place, never jumped) and
   * before the first one an earlier attempt started (that one goes one by one, with its retries).
   */
  headRun(limit: number): { key: string; event: DomainEvent }[] {
    const rows = this.storage.sql
      .exec<{ key: string; item: string; tried: number }>(
        `SELECT q.key, q.item, a.key IS NOT NULL AS tried FROM queue q
         LEFT JOIN attempts a ON a.key = q.key ORDER BY q.seq LIMIT ?`,
        limit,
      )
      .toArray();
    const run: { key: string; event: DomainEvent }[] = [];
    for (const row of rows) {
      const item = JSON.parse(row.item) as QueueItem;
      if (item.kind !== 'event' || row.tried) break;
      run.push({ key: row.key, event: item.event });
    }
    return run;
  }

  /** Counts an attempt at each item of a run, in one transaction (see startAttempt). */
  startAttempts(keys: string[]): void {
    this.storage.transactionSync(() => {
      for (const key of keys) this.startAttempt(key);
    });
  }

  /** Forgets the attempts of a run that threw: its items go one by one, with all their tries. */
  clearAttempts(keys: string[]): void {
    this.storage.transactionSync(() => {
      for (const key of keys) this.storage.sql.exec('DELETE FROM attempts WHERE key = ?', key);
    });
  }

  /** Marks an item processed (and buffers its digest member, if any) in one transaction. */
  complete(key: string, member: BufferedMember | null, now: number): void {
    this.completeMany([{ key, member }], now);
  }

  /** Marks items processed, with their digest members, all in one transaction. */
  completeMany(done: { key: string; member: BufferedMember | null }[], now: number): void {
    this.storage.transactionSync(() => {
      for (const { key, member } of done) {
        if (member) {
          this.storage.sql.exec(
            'INSERT INTO digest_buffer (id, member, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
            member.id,
            JSON.stringify(member),
            now,
          );
          this.fold();
        }
        this.forget(key, now);
      }
    });
  }

  /**
   * Past MAX_DIGEST_MEMBERS, deletes the oldest members and adds them to the folded count.
   * Members named by a flush in progress stay: a resumed flush must find its own.
   */
  private fold(): void {
    const over = this.bufferSize() - MAX_DIGEST_MEMBERS;
    if (over <= 0) return;
    const flushing = this.mark('flush');
    const keep = flushing ? (JSON.parse(flushing) as { ids: string[] }).ids : [];
    this.storage.sql.exec(
      `DELETE FROM digest_buffer WHERE id IN (SELECT id FROM digest_buffer
       WHERE id NOT IN (SELECT value FROM json_each(?)) ORDER BY at, id LIMIT ?)`,
      JSON.stringify(keep),
      over,
    );
    // Counted, not taken from rowsWritten, which counts index writes too.
    const folded = over + MAX_DIGEST_MEMBERS - this.bufferSize();
    if (folded > 0) this.setMark('digestFolded', String(this.folded() + folded));
  }

  /** Members folded into a count (see `fold`), not yet reported by a digest. */
  folded(): number {
    return Number(this.mark('digestFolded') ?? 0);
  }

  bufferSize(): number {
    return this.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM digest_buffer').one().n;
  }

  /**
   * Counts an attempt at an item before it runs (a restart mid-item counts too) and returns
   * it, with the error the attempt before it left, if any.
   */
  startAttempt(key: string): { n: number; lastError: string | null } {
    return this.storage.sql
      .exec<{ n: number; lastError: string | null }>(
        `INSERT INTO attempts (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1
         RETURNING n, error AS lastError`,
        key,
      )
      .one();
  }

  failAttempt(key: string, error: string): void {
    this.storage.sql.exec('UPDATE attempts SET error = ? WHERE key = ?', error, key);
  }

  /** Takes an item that keeps failing out of the queue, kept for the state view; a retry of it stays seen. */
  setAside(key: string, error: string, attempts: number, now: number): void {
    this.storage.transactionSync(() => {
      this.storage.sql.exec(
        `INSERT OR REPLACE INTO dead_letters (key, item, error, attempts, at)
         SELECT key, item, ?, ?, ? FROM queue WHERE key = ?`,
        error,
        attempts,
        now,
        key,
      );
      this.forget(key, now);
    });
  }

  /** The items set aside, newest first. */
  deadLetters(limit = 20): DeadLetter[] {
    return this.storage.sql
      .exec<{ key: string; item: string; error: string; attempts: number; at: number }>(
        'SELECT key, item, error, attempts, at FROM dead_letters ORDER BY at DESC, key LIMIT ?',
        limit,
      )
      .toArray()
      .map((row) => ({
        key: row.key,
        kind: (JSON.parse(row.item) as QueueItem).kind,
        error: row.error,
        attempts: row.attempts,
        at: row.at,
      }));
  }

  // The item leaves the queue with its progress and attempts; its key stays seen for a while.
  private forget(key: string, now: number): void {
    this.storage.sql.exec('DELETE FROM queue WHERE key = ?', key);
    this.storage.sql.exec('DELETE FROM item_steps WHERE item_key = ?', key);
    this.storage.sql.exec('DELETE FROM attempts WHERE key = ?', key);
    this.storage.sql.exec('INSERT OR REPLACE INTO seen (key, at) VALUES (?, ?)', key, now);
    this.storage.sql.exec('DELETE FROM seen WHERE at < ?', now - SEEN_FOR_MS);
  }

  depth(): number {
    return this.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM queue').one().n;
  }

  /**
   * The member that has waited longest, or null: what the alarm's schedule needs, without
   * reading and parsing the whole buffer (up to MAX_DIGEST_MEMBERS) after every pass.
   */
  oldest(): BufferedMember | null {
    const row = this.storage.sql
      .exec<{ member: string }>('SELECT member FROM digest_buffer ORDER BY at, id LIMIT 1')
      .toArray()[0];
    return row ? (JSON.parse(row.member) as BufferedMember) : null;
  }

  buffer(): BufferedMember[] {
    return this.storage.sql
      .exec<{ member: string }>('SELECT member FROM digest_buffer ORDER BY at, id')
      .toArray()
      .map((row) => JSON.parse(row.member) as BufferedMember);
  }

  /** Removes flushed members, the folded ones the digest reported, and the flush record together. */
  clearFlushed(ids: string[], folded = 0): void {
    this.storage.transactionSync(() => {
      for (const id of ids) this.storage.sql.exec('DELETE FROM digest_buffer WHERE id = ?', id);
      const left = this.folded() - folded;
      if (left > 0) this.setMark('digestFolded', String(left));
      else this.deleteMark('digestFolded');
      this.deleteMark('flush');
      this.deleteMark('digestNotBefore');
    });
  }

  mark(name: string): string | null {
    const row = this.storage.sql
      .exec<{ value: string }>('SELECT value FROM marks WHERE name = ?', name)
      .toArray()[0];
    return row?.value ?? null;
  }

  setMark(name: string, value: string): void {
    this.storage.sql.exec('INSERT OR REPLACE INTO marks (name, value) VALUES (?, ?)', name, value);
  }

  deleteMark(name: string): void {
    this.storage.sql.exec('DELETE FROM marks WHERE name = ?', name);
  }
}
