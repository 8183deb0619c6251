import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { GetOk } from '../api/schema';

/** One page of `GET /api/tasks/{id}/logs` (worker/run-logs/definitions.ts). */
type LogPage = GetOk<'/api/tasks/{id}/logs'>;

/** How often a live log is asked for what came since. */
const POLL_MS = 1_500;
/** Kept in the page; older output is cut (the download has it all). */
const KEEP_CHARS = 1_000_000;

/**
 * A run's log, live while the run goes: new output is polled after a cursor and the view
 * follows the end, until the reader pauses it. `waiting` keeps asking while the task has not
 * started yet (or starts again), so a run that begins while the page is open shows up.
 */
export function RunLog({
  taskId,
  runs,
  waiting,
  onEnd,
}: {
  taskId: string;
  runs: number;
  waiting: boolean;
  onEnd: () => void;
}) {
  const [chosen, setChosen] = useState<number | null>(null);
  const [shown, setShown] = useState<{ run: number | null; text: string; cut: boolean }>({
    run: null,
    text: '',
    cut: false,
  });
  const [live, setLive] = useState(false);
  const [following, setFollowing] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef<{ run: number | null; after: number }>({ run: null, after: 0 });
  const view = useRef<HTMLPreElement>(null);

  const liveNow = useRef(false);

  useEffect(() => {
    if (!following) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = (ms: number) => {
      timer = setTimeout(() => void tick(), ms);
    };
    const tick = async () => {
      const query = { after: cursor.current.after, ...(chosen !== null ? { run: chosen } : {}) };
      let page: LogPage;
      try {
        page = await ok(
          hq.GET('/api/tasks/{id}/logs', { params: { path: { id: taskId }, query } }),
        );
      } catch (e) {
        if (stopped) return;
        setError(messageOf(e));
        if (liveNow.current || waiting) later(POLL_MS);
        return;
      }
      if (stopped) return;
      setError(null);
      if (page.run !== cursor.current.run) {
        // Another run than the one shown (a new one began): start over from its beginning.
        cursor.current = { run: page.run, after: 0 };
        setShown({ run: page.run, text: '', cut: false });
        if (page.run !== null) later(0);
        else if (waiting) later(POLL_MS);
        return;
      }
      cursor.current.after = page.next;
      const added = page.chunks.map((c) => c.text).join('');
      if (added) {
        setShown((old) => {
          const text = old.text + added;
          return text.length > KEEP_CHARS
            ? { run: old.run, text: text.slice(-KEEP_CHARS), cut: true }
            : { ...old, text };
        });
      }
      if (liveNow.current && !page.live) onEnd();
      liveNow.current = page.live;
      setLive(page.live);
      if (page.more) later(0);
      else if (page.live || (waiting && chosen === null)) later(POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [taskId, chosen, following, waiting]);

  // Following means staying at the end of the log as it grows.
  useLayoutEffect(() => {
    if (following && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [shown.text, following]);

  const pick = (run: number | null) => {
    cursor.current = { run: null, after: 0 };
    setShown({ run: null, text: '', cut: false });
    setChosen(run);
    setFollowing(true);
  };
  const run = shown.run;
  return (
    <section class="run-log" aria-label="Run log">
      <div class="inline">
        <h3>Log{run ? ` · run ${run}` : ''}</h3>
        {live && (
          <span class="badge state-running" data-testid="log-live">
            live
          </span>
        )}
        {runs > 1 && (
          <select
            aria-label="Run"
            value={chosen ?? ''}
            onChange={(e) => pick(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">latest run</option>
            {Array.from({ length: runs }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                run {i + 1}
              </option>
            ))}
          </select>
        )}
        {live && (
          <button type="button" class="secondary" onClick={() => setFollowing(!following)}>
            {following ? 'Pause' : 'Follow'}
          </button>
        )}
        {run !== null && (
          <a href={`/api/tasks/${taskId}/logs.txt?run=${run}`} download>
            Download
          </a>
        )}
      </div>
      {error && <p class="error">{error}</p>}
      {run === null ? (
        <p class="muted">No run yet: the log appears when a runner starts the task.</p>
      ) : (
        <pre ref={view} class="mono run-log-text" data-testid="run-log">
          {shown.cut && (
            <span class="muted">[earlier output cut here; download for all of it]{'\n'}</span>
          )}
          {shown.text || (live ? 'Waiting for output…' : 'This run wrote nothing.')}
        </pre>
      )}
    </section>
  );
}
