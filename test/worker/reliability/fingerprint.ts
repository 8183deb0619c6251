import { env } from 'cloudflare:workers';

/** A SHA-256 digest of each table's full contents, by table name. */
export type Fingerprint = Record<string, string>;

/**
 * A column whose change on a 4xx is intended, with the reason. Nothing else is exempt: every
 * other column of every table is in the digest.
 */
export interface Exemption {
  table: string;
  column: string;
  why: string;
}

/** One SELECT per table, each row serialised by SQLite itself. */
export interface Snapshotter {
  tables: string[];
  take(): Promise<Fingerprint>;
}

/**
 * Reads the schema once and prepares one query per table. Each row is the `quote()` of every
 * column joined by commas: quote() writes SQL literals (strings quoted with inner quotes
 * doubled, blobs as X'..', reals exactly, NULL distinct from 'NULL'), so the text is an
 * unambiguous image of the row. Rows are ordered by that text, which needs no rowid and so
 * works for WITHOUT ROWID tables too.
 */
export async function snapshotter(exempt: Exemption[] = []): Promise<Snapshotter> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  const tables = results.map((r) => r.name);
  const queries = await Promise.all(
    tables.map(async (table) => {
      const columns = await env.DB.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
        .bind(table)
        .all<{ name: string }>();
      const kept = columns.results
        .map((c) => c.name)
        .filter((c) => !exempt.some((e) => e.table === table && e.column === c));
      if (kept.length === 0) throw new Error(`table ${table} has no columns left to digest`);
      const row = kept.map((c) => `quote("${c.replaceAll('"', '""')}")`).join(" || ',' || ");
      return env.DB.prepare(`SELECT ${row} AS r FROM "${table}" ORDER BY r`);
    }),
  );
  for (const e of exempt) {
    if (!tables.includes(e.table)) throw new Error(`exempt table ${e.table} does not exist`);
  }
  return {
    tables,
    async take() {
      // One round trip for every table: the fuzzer takes a fingerprint around each request.
      const all = await env.DB.batch<{ r: string }>(queries);
      const digests = await Promise.all(all.map((result) => digest(result.results)));
      return Object.fromEntries(tables.map((table, i) => [table, digests[i] ?? '']));
    },
  };
}

async function digest(rows: { r: string }[]): Promise<string> {
  const text = rows.map((row) => row.r).join('\n');
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The tables whose digest differs between two fingerprints (or exists in only one). */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((t) => before[t] !== after[t]).sort();
}
