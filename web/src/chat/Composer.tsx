/** The message box: Enter sends, Shift+Enter starts a new line. */
export function Composer({
  draft,
  busy,
  onDraft,
  onSend,
}: {
  draft: string;
  busy: boolean;
  onDraft: (text: string) => void;
  onSend: () => void;
}) {
  return (
    <form
      class="composer"
      aria-label="Write to the CEO"
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      <label for="chat-draft" class="visually-hidden">
        Message to the CEO
      </label>
      <textarea
        id="chat-draft"
        rows={2}
        placeholder="Ask the CEO, or give an instruction…"
        value={draft}
        onInput={(e) => onDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            onSend();
          }
        }}
      />
      <button type="submit" disabled={busy || !draft.trim()}>
        {busy ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
