import { useMemo } from 'preact/hooks';
import { HunkRows, type LineUi } from './HunkRows';
import { type Highlight, highlightHunk } from './highlight';
import { changedLines, languageOf, type PatchFile, type PatchLine } from './patch';

/** One file of the diff: its header, and its hunks unless folded. */
export function DiffFile({
  file,
  index,
  folded,
  onToggle,
  split,
  highlight,
  outside,
  current,
  ui,
}: {
  file: PatchFile;
  index: number;
  folded: boolean;
  onToggle: () => void;
  split: boolean;
  highlight: Highlight | null;
  outside: boolean;
  /** The hunk the keyboard is on (-1: the file's header), or null when on another file. */
  current: number | null;
  ui: LineUi;
}) {
  const changed = changedLines(file);
  const language = languageOf(file.path);
  // Highlighted only when shown: a folded 5,000-line file costs nothing until opened.
  const html = useMemo(() => {
    if (folded || !highlight || !language) return null;
    const all = new Map<PatchLine, string>();
    for (const hunk of file.hunks) {
      for (const [line, h] of highlightHunk(highlight, language, hunk)) all.set(line, h);
    }
    return all;
  }, [file, folded, highlight, language]);
  return (
    <section
      class={`dv-file${current !== null ? ' dv-current' : ''}`}
      data-testid="diff-file"
      data-path={file.path}
      data-stop={`${index}:-1`}
      aria-current={current !== null ? 'true' : undefined}
    >
      <header class="dv-file-head">
        <span class="mono">{file.path}</span>
        {file.change !== 'modified' && <span class="muted"> ({file.change})</span>}
        {outside && <span class="flag">outside scope</span>}
        <span class="muted small">
          {file.binary ? 'binary' : `${changed} changed line${changed === 1 ? '' : 's'}`}
        </span>
        {(folded || changed > 0) && (
          <button type="button" class="secondary small" onClick={onToggle}>
            {folded ? 'Show file' : 'Hide file'}
          </button>
        )}
      </header>
      {folded ? (
        <p class="muted small dv-folded">
          {file.binary
            ? 'A binary file: the patch holds no lines for it.'
            : `Folded: ${changed} changed lines.`}
        </p>
      ) : file.binary ? (
        <p class="muted small dv-folded">A binary file: the patch holds no lines for it.</p>
      ) : (
        <div class="dv-scroll">
          <table class={`dv-table ${split ? 'dv-split' : 'dv-unified'}`}>
            {/* Column widths: a fixed layout takes them from here, not from the rows. */}
            <colgroup>
              {(split ? ['num', 'code', 'num', 'code'] : ['num', 'num', 'mark', 'code']).map(
                (c, i) => (
                  <col key={`${c}${i}`} class={`dv-col-${c}`} />
                ),
              )}
            </colgroup>
            {file.hunks.map((hunk, h) => (
              <tbody
                key={`${hunk.oldStart}-${hunk.newStart}`}
                data-testid="diff-hunk"
                data-stop={`${index}:${h}`}
                class={current === h ? 'dv-current-hunk' : undefined}
                aria-current={current === h ? 'true' : undefined}
              >
                <tr class="dv-hunk-head">
                  <td colSpan={4} class="mono">
                    @@ -{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@{' '}
                    {hunk.section}
                  </td>
                </tr>
                <HunkRows hunk={hunk} split={split} html={html} ui={ui} />
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}
