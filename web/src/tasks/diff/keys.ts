// Keyboard moves through a diff: n/p next/previous file, j/k next/previous hunk. The place
// the keyboard is on is kept as (file, hunk); hunk -1 is a file shown by its header only
// (folded, binary).
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface Stop {
  file: number;
  hunk: number;
}

/** Keys typed into a field are the field's, never a move. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The stop `key` moves to from `at`, or null when the key is not a move. */
export function move(stops: Stop[], at: Stop | null, key: string): Stop | null {
  if (!stops.length) return null;
  const i = at ? stops.findIndex((s) => s.file === at.file && s.hunk === at.hunk) : -1;
  const file = at?.file ?? -1;
  switch (key) {
    case 'j':
      return stops[Math.min(i + 1, stops.length - 1)] ?? null;
    case 'k':
      return stops[Math.max(i - 1, 0)] ?? null;
    case 'n':
      return stops.find((s) => s.file > file) ?? stops[i] ?? null;
    case 'p': {
      const before = stops.filter((s) => s.file < file).at(-1);
      // The previous file's first stop; on the first file, its first stop.
      const target = before?.file ?? 0;
      return stops.find((s) => s.file === target) ?? null;
    }
    default:
      return null;
  }
}

/**
 * Listens for the moves on the document while `enabled`; each move sets the place and
 * scrolls the element marked `data-stop="file:hunk"` inside `root` into view.
 */
export function useDiffKeys(
  root: RefObject<HTMLElement>,
  stops: Stop[],
  at: Stop | null,
  setAt: (stop: Stop) => void,
  enabled: boolean,
): void {
  // The listener is added once; it reads the newest stops through the ref.
  const latest = useRef({ stops, at, setAt });
  latest.current = { stops, at, setAt };
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const { stops, at, setAt } = latest.current;
      const next = move(stops, at, e.key);
      if (!next) return;
      e.preventDefault();
      setAt(next);
      root.current
        ?.querySelector(`[data-stop="${next.file}:${next.hunk}"]`)
        ?.scrollIntoView({ block: 'start' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled, root]);
}
