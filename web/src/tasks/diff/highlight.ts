// Syntax colours for the diff, loaded on demand: the highlighter chunk (hljs.ts) is fetched
// by the first diff view shown, then shared by every later one.
import { useEffect, useState } from 'preact/hooks';
import type { PatchHunk, PatchLine } from './patch';

export type Highlight = (language: string, code: string) => string;

let loading: Promise<Highlight> | null = null;

/**
 * The highlighter once its chunk is here; null before (the diff shows plain text meanwhile).
 * Nothing is fetched until `wanted`: a task without a patch costs no download.
 */
export function useHighlighter(wanted: boolean): Highlight | null {
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    loading ??= import('./hljs').then((module) => module.highlight);
    loading.then(
      (h) => live && setHighlight(() => h),
      () => {
        // No colours is no loss: the diff stays readable as plain text. A later view retries.
        loading = null;
      },
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  return highlight;
}

/**
 * highlight.js HTML cut into lines. A token can span lines (a block comment, a template
 * string): each line closes the spans still open at its end and the next reopens them, so
 * every line is well-formed HTML on its own.
 */
export function splitHighlighted(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let line = '';
  for (const [, start, end, newline, text] of html.matchAll(
    /(<span[^>]*>)|(<\/span>)|(\n)|([^<\n]+)/g,
  )) {
    if (start) {
      open.push(start);
      line += start;
    } else if (end) {
      open.pop();
      line += end;
    } else if (newline) {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else line += text;
  }
  lines.push(line + '</span>'.repeat(open.length));
  return lines;
}

/**
 * Each line of a hunk as highlighted HTML. Each side is highlighted as one text (the base's
 * lines, the head's lines), so a token opened on an earlier line colours the next ones.
 */
export function highlightHunk(
  highlight: Highlight,
  language: string,
  hunk: PatchHunk,
): Map<PatchLine, string> {
  const html = new Map<PatchLine, string>();
  for (const side of ['old', 'new'] as const) {
    const lines = hunk.lines.filter((l) =>
      side === 'old' ? l.kind === 'del' || l.kind === 'context' : l.kind !== 'del',
    );
    const parts = splitHighlighted(highlight(language, lines.map((l) => l.text).join('\n')));
    // A context line takes the head's colours (written second).
    for (const [i, l] of lines.entries()) html.set(l, parts[i] ?? '');
  }
  return html;
}
