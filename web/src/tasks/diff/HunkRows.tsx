import type { JSX } from 'preact';
import { CommentBody, CommentBox } from './CommentBox';
import type { Comments, LineRange, ReviewComment } from './comments';
import { type PatchHunk, type PatchLine, splitRows } from './patch';

/** What the rows of one file need for comments: who may write, the open box, the comments. */
export interface LineUi {
  canComment: boolean;
  draft: LineRange | null;
  pick(side: 'new' | 'old', line: number, extend: boolean): void;
  /** The file's comments on the head shown. */
  here: ReviewComment[];
  comments: Comments | null;
  save(body: string): Promise<void>;
  cancel(): void;
}

type Side = 'new' | 'old';
const MARK = { context: ' ', add: '+', del: '−' };

function LineNumber({ side, line, ui }: { side: Side; line: number; ui: LineUi }) {
  if (!ui.canComment)
    return (
      <span data-testid="diff-line" data-side={side} data-line={line}>
        {line}
      </span>
    );
  return (
    <button
      type="button"
      class="dv-line-button"
      data-testid="diff-line"
      data-side={side}
      data-line={line}
      title="Comment on this line (shift-click: up to this line)"
      // A shift-click would select text; it extends the comment's range instead.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => ui.pick(side, line, e.shiftKey)}
    >
      {line}
    </button>
  );
}

function Code({ line, html }: { line: PatchLine | null; html: Map<PatchLine, string> | null }) {
  if (!line) return <td class="dv-code dv-empty" />;
  // Set as HTML: highlight.js escapes the code's text, and its tags are class-only spans.
  const highlighted = html?.get(line);
  return (
    <td class={`dv-code dv-${line.kind}`}>
      {highlighted === undefined ? (
        <code>{line.text}</code>
      ) : (
        <code dangerouslySetInnerHTML={{ __html: highlighted }} />
      )}
    </td>
  );
}

const numberOn = (line: PatchLine | null, side: Side) =>
  side === 'new' ? (line?.newLine ?? null) : (line?.oldLine ?? null);

const inDraft = (ui: LineUi, side: Side, n: number | null) =>
  n !== null && ui.draft?.side === side && n >= ui.draft.line && n <= ui.draft.endLine;

/** The comments (and the open box) that end on these lines, in a row under them. */
function Attached({ ends, ui }: { ends: [Side, number | null][]; ui: LineUi }) {
  const endsHere = ({ side, endLine }: { side: Side; endLine: number }) =>
    ends.some(([s, n]) => s === side && n === endLine);
  const shown = ui.comments ? ui.here.filter(endsHere) : [];
  const box = ui.draft && endsHere(ui.draft) ? ui.draft : null;
  if (!shown.length && !box) return null;
  return (
    <tr class="dv-attached">
      <td colSpan={4}>
        {shown.map((c) => (
          <div key={c.id} class="dv-comment" data-testid="diff-comment">
            {ui.comments && <CommentBody comment={c} comments={ui.comments} />}
          </div>
        ))}
        {box && <CommentBox range={box} onSave={ui.save} onCancel={ui.cancel} />}
      </td>
    </tr>
  );
}

/** A hunk's rows, unified (one column, both numbers) or split (base left, head right). */
export function HunkRows({
  hunk,
  split,
  html,
  ui,
}: {
  hunk: PatchHunk;
  split: boolean;
  html: Map<PatchLine, string> | null;
  ui: LineUi;
}) {
  const rows: JSX.Element[] = [];
  if (split) {
    splitRows(hunk.lines).forEach((row, i) => {
      const oldN = numberOn(row.old, 'old');
      const newN = numberOn(row.new, 'new');
      const selected = inDraft(ui, 'old', oldN) || inDraft(ui, 'new', newN);
      rows.push(
        <tr key={`r${i}`} class={`dv-line${selected ? ' dv-selected' : ''}`}>
          <td class="dv-num">{oldN !== null && <LineNumber side="old" line={oldN} ui={ui} />}</td>
          <Code line={row.old} html={html} />
          <td class="dv-num">{newN !== null && <LineNumber side="new" line={newN} ui={ui} />}</td>
          <Code line={row.new} html={html} />
        </tr>,
        <Attached
          key={`a${i}`}
          ends={[
            ['old', oldN],
            ['new', newN],
          ]}
          ui={ui}
        />,
      );
    });
    return <>{rows}</>;
  }
  hunk.lines.forEach((line, i) => {
    const selected = inDraft(ui, 'old', line.oldLine) || inDraft(ui, 'new', line.newLine);
    rows.push(
      <tr key={`r${i}`} class={`dv-line dv-${line.kind}${selected ? ' dv-selected' : ''}`}>
        <td class="dv-num">
          {line.oldLine !== null && <LineNumber side="old" line={line.oldLine} ui={ui} />}
        </td>
        <td class="dv-num">
          {line.newLine !== null && <LineNumber side="new" line={line.newLine} ui={ui} />}
        </td>
        <td class="dv-mark">{MARK[line.kind]}</td>
        <Code line={line} html={html} />
      </tr>,
      <Attached
        key={`a${i}`}
        ends={[
          ['old', line.oldLine],
          ['new', line.newLine],
        ]}
        ui={ui}
      />,
    );
  });
  return <>{rows}</>;
}
