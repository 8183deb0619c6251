// The last meaningful line of an agent's output: what the task card and the office robot
// card show as "what it is doing right now", sent with every heartbeat.

const ESC = '\u001b';
const BEL = '\u0007';
/**
 * Terminal control sequences (colours, cursor moves, window titles): no words in them. Built
 * from a string because the control characters are what it matches.
 */
const ESCAPES = new RegExp(
  `${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(${BEL}|${ESC}\\\\)|${ESC}[@-_]`,
  'g',
);
const MAX = 200;

/**
 * The line as a person would see it on a terminal: escapes removed, and only what was written
 * after its last carriage return (progress bars and spinners redraw the line that way).
 */
function visible(line: string): string {
  // A trailing \r is a Windows line ending, not a redraw.
  const plain = line.replace(ESCAPES, '').replace(/\r+$/, '');
  return plain.slice(plain.lastIndexOf('\r') + 1).trim();
}

/**
 * Whether a line says anything: not blank, and holding at least one letter or digit, so rules
 * (`-----`), spinner frames and bare punctuation never replace the last real line.
 */
export function meaningful(line: string): boolean {
  return /[\p{L}\p{N}]/u.test(line);
}

/** The last meaningful line of `text`, kept short enough for a card; '' when there is none. */
export function lastMeaningfulLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = visible(lines[i] ?? '');
    if (meaningful(line)) return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
  }
  return '';
}
