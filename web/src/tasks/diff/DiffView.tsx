import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure, messageOf } from '../../api/client';
import { DiffStat } from '../DiffStat';
import type { Task } from '../types';
import type { Comments, LineRange } from './comments';
import { DiffFile } from './DiffFile';
import type { LineUi } from './HunkRows';
import { useHighlighter } from './highlight';
import { type Stop, useDiffKeys } from './keys';
import { foldedAtFirst, type LoadedPatch, loadPatch, type PatchFile } from './patch';
import './diff.css';

const LAYOUT_KEY = 'hq.diff.layout';

/**
 * What a run changed: the file list (line counts, scope, flags), then each file's hunks from
 * the patch the runner uploaded, unified or split, with syntax colours once the highlighter
 * has loaded. Line numbers open a comment box when `comments` is given and the person may
 * write (`canComment`); n/p and j/k move through files and hunks.
 */
export function DiffView({
  task,
  comments = null,
  canComment = false,
}: {
  task: Task;
  comments?: Comments | null;
  canComment?: boolean;
}) {
  const [patch, setPatch] = useState<LoadedPatch | null>(null);
  const [problem, setProblem] = useState<{ missing: boolean; message: string } | null>(null);
  const [split, setSplit] = useState(() => localStorage.getItem(LAYOUT_KEY) === 'split');
  // Files opened or folded by hand, by index; the rest as foldedAtFirst says.
  const [opened, setOpened] = useState<Record<number, boolean>>({});
  const [at, setAt] = useState<Stop | null>(null);
  const [draft, setDraft] = useState<LineRange | null>(null);
  const root = useRef<HTMLElement>(null);

  useEffect(() => {
    setPatch(null);
    setProblem(null);
    setOpened({});
    setAt(null);
    setDraft(null);
    if (!task.headCommit) return;
    let live = true;
    loadPatch(task.id).then(
      (p) => live && setPatch(p),
      (e) =>
        live &&
        setProblem({
          missing: e instanceof ApiFailure && e.status === 404,
          message: messageOf(e),
        }),
    );
    return () => {
      live = false;
    };
  }, [task.id, task.headCommit]);

  const files = patch?.parsed.files ?? [];
  const highlight = useHighlighter(files.length > 0);
  const isOpen = (i: number, f: PatchFile) => opened[i] ?? !foldedAtFirst(f);
  const stops = useMemo(
    () =>
      files.flatMap((f, i) =>
        isOpen(i, f) && !f.binary && f.hunks.length
          ? f.hunks.map((_, hunk) => ({ file: i, hunk }))
          : [{ file: i, hunk: -1 }],
      ),
    [files, opened],
  );
  useDiffKeys(root, stops, at, setAt, files.length > 0);

  const outside = new Set(task.scopeViolations ?? []);
  const pick = (path: string) => {
    const file = files.findIndex((f) => f.path === path);
    const stop = stops.find((s) => s.file === file);
    if (!stop) return;
    setAt(stop);
    root.current?.querySelector(`[data-stop="${file}:-1"]`)?.scrollIntoView({ block: 'start' });
  };
  const writable = canComment && !!comments && !!patch && patch.head === task.headCommit;
  const uiFor = (file: PatchFile): LineUi => ({
    canComment: writable,
    draft: draft?.path === file.path ? draft : null,
    pick: (side, line, extend) =>
      setDraft((d) =>
        extend && d && d.path === file.path && d.side === side
          ? { ...d, line: Math.min(d.line, line), endLine: Math.max(d.endLine, line) }
          : { path: file.path, side, line, endLine: line },
      ),
    here: comments?.items.filter((c) => c.headCommit === patch?.head && c.path === file.path) ?? [],
    comments,
    save: async (body) => {
      if (!comments || !patch || !draft) return;
      await comments.add(patch.head, draft, body);
      setDraft(null);
    },
    cancel: () => setDraft(null),
  });
  const choose = (wantSplit: boolean) => {
    setSplit(wantSplit);
    localStorage.setItem(LAYOUT_KEY, wantSplit ? 'split' : 'unified');
  };

  return (
    <section class="dv" ref={root} aria-label="Diff">
      <DiffStat task={task} onPick={patch ? pick : undefined} patch={patch?.parsed ?? null} />
      {problem &&
        (problem.missing ? (
          <p class="muted" data-testid="diff-missing">
            No patch to show: {problem.message}
          </p>
        ) : (
          <p class="error">The patch could not load: {problem.message}</p>
        ))}
      {patch && (
        <>
          <div class="dv-toolbar">
            <fieldset class="dv-layout">
              <legend class="visually-hidden">Diff layout</legend>
              <button type="button" aria-pressed={!split} onClick={() => choose(false)}>
                Unified
              </button>
              <button type="button" aria-pressed={split} onClick={() => choose(true)}>
                Split
              </button>
            </fieldset>
            <span class="muted small">
              Keys: <kbd>n</kbd>/<kbd>p</kbd> file, <kbd>j</kbd>/<kbd>k</kbd> hunk
              {writable && ' · click a line number to comment'}
            </span>
          </div>
          {patch.parsed.cutNote && (
            <p class="notice" data-testid="diff-cut-note">
              The runner cut this patch ({patch.parsed.cutNote.replace(/^HQ: /, '')}). The file list
              above counts every file.
            </p>
          )}
          {comments?.error && <p class="muted small">Comments: {comments.error}</p>}
          {files.map((file, i) => (
            <DiffFile
              key={file.path}
              file={file}
              index={i}
              folded={!isOpen(i, file)}
              onToggle={() => setOpened((o) => ({ ...o, [i]: !isOpen(i, file) }))}
              split={split}
              highlight={highlight}
              outside={outside.has(file.path)}
              current={at?.file === i ? at.hunk : null}
              ui={uiFor(file)}
            />
          ))}
        </>
      )}
    </section>
  );
}
