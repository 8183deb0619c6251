// The task's patch as the diff view reads it: fetched as text (the route answers text/x-diff,
// not JSON), parsed by the same code the worker uses, so line numbers agree with comments.

import {
  type ParsedPatch,
  type PatchFile,
  type PatchLine,
  parsePatch,
} from '../../../../worker/patches/parse';
import { hq, ok } from '../../api/client';

export type { PatchFile, PatchHunk, PatchLine } from '../../../../worker/patches/parse';

export interface LoadedPatch {
  parsed: ParsedPatch;
  /** The head the patch was made for: comments are written on it. */
  head: string;
  truncated: boolean;
}

/** The task's patch for its current head (or `head`). */
export async function loadPatch(taskId: string, head?: string): Promise<LoadedPatch> {
  // The patch is text/x-diff: read as text; the head and truncation come back as headers.
  const answer = await hq.GET('/api/tasks/{id}/patch', {
    params: { path: { id: taskId }, query: head ? { head } : {} },
    parseAs: 'text',
  });
  const text = await ok(answer);
  const response = answer.response;
  return {
    parsed: parsePatch(text),
    head: response.headers.get('x-hq-head-commit') ?? head ?? '',
    truncated: response.headers.get('x-hq-truncated') === 'true',
  };
}

/** A file with more changed lines than this is folded until asked for: it would bury the rest. */
export const FOLD_LINES = 400;

export const changedLines = (file: PatchFile) =>
  file.hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind !== 'context').length, 0);

/** Folded at first: binary files (nothing to read) and very large ones. */
export const foldedAtFirst = (file: PatchFile) => file.binary || changedLines(file) > FOLD_LINES;

const LANGUAGES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  css: 'css',
  html: 'xml',
  xml: 'xml',
  svg: 'xml',
  md: 'markdown',
  py: 'python',
  sh: 'bash',
  bash: 'bash',
  go: 'go',
  rs: 'rust',
  yml: 'yaml',
  yaml: 'yaml',
};

/** The highlight.js language of a path by its extension; null: shown as plain text. */
export function languageOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (LANGUAGES[name.slice(dot + 1).toLowerCase()] ?? null) : null;
}

/** One row of the split view: a removed line beside the added line that replaced it. */
export interface SplitRow {
  old: PatchLine | null;
  new: PatchLine | null;
}

/** A hunk's lines as split rows: context on both sides, each run of removals beside its additions. */
export function splitRows(lines: PatchLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as PatchLine;
    if (line.kind === 'context') {
      rows.push({ old: line, new: line });
      i++;
      continue;
    }
    const dels: PatchLine[] = [];
    while (lines[i]?.kind === 'del') dels.push(lines[i++] as PatchLine);
    const adds: PatchLine[] = [];
    while (lines[i]?.kind === 'add') adds.push(lines[i++] as PatchLine);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
      rows.push({ old: dels[k] ?? null, new: adds[k] ?? null });
    }
  }
  return rows;
}
