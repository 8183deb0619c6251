// Plain code with no runtime dependencies (the runner's tests use the same rule).

/** One hunk of `git diff -U0 <previous head> <new head>`, on its old side (the runner's). */
export interface RoundHunk {
  path: string;
  oldStart: number;
  oldLines: number;
}

/**
 * Whether a round's hunks change lines `line`..`endLine` of `path` (numbered in the previous
 * head). A hunk that removes or rewrites lines touches them if the ranges overlap; a pure
 * insertion (no old lines) sits after line `oldStart`, so it touches a range it falls into
 * or right before (line - 1 <= oldStart <= endLine).
 */
export function touches(hunks: RoundHunk[], path: string, line: number, endLine: number) {
  return hunks.some((h) => {
    if (h.path !== path) return false;
    if (h.oldLines === 0) return line - 1 <= h.oldStart && h.oldStart <= endLine;
    return h.oldStart <= endLine && line <= h.oldStart + h.oldLines - 1;
  });
}
