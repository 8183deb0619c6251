// Shared by the stand-in CLIs of this folder (claude, codex, gemini, opencode, aider): each
// records how it was started, then prints the event stream its real CLI prints for the
// scenario the test picked, and on success changes a file in its working directory.
//
// STANDIN_RECORD    file to write the record to (JSON)
// STANDIN_SCENARIO  success (default) | no_change | max_turns | rate_limit | slow_spend (claude:
//                   many model calls over seconds, each with its usage; `<record>.finished`
//                   is written only if it gets to the end)
// STANDIN_ECHO_ENV  comma-separated variable names whose values go into the record too
//                   (names alone are always recorded; values only when a test asks)
// STANDIN_HQ_NOTE   (claude) a note to send HQ's MCP server (`hq` in --mcp-config) with the
//                   tool report_progress mid-run, as a real agent would; its answer is logged
import { readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const args = process.argv.slice(2);
export const scenario = process.env.STANDIN_SCENARIO ?? 'success';

/** The value after a flag, as the real CLIs' parsers read it. */
export function flag(name) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

/** Writes the record: argv, stdin, cwd, variable names, and the files it was pointed to. */
export function record(stdin, pointedTo) {
  const target = process.env.STANDIN_RECORD;
  if (!target) return;
  const echo = (process.env.STANDIN_ECHO_ENV ?? '').split(',').filter(Boolean);
  const files = {};
  for (const path of pointedTo.filter(Boolean)) {
    try {
      files[path] = { contents: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 };
    } catch (error) {
      files[path] = { error: String(error) };
    }
  }
  writeFileSync(
    target,
    JSON.stringify({
      pid: process.pid,
      argv: args,
      stdin,
      cwd: process.cwd(),
      envNames: Object.keys(process.env).sort(),
      echoedEnv: Object.fromEntries(echo.map((name) => [name, process.env[name] ?? null])),
      files,
    }),
  );
}

export const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Prints lines the way a process flushes them: each in two writes a moment apart, so the
 * reader gets lines split across chunks, as it does from a real CLI under load.
 */
export function printLines(lines) {
  for (const line of lines) {
    const text = typeof line === 'string' ? line : JSON.stringify(line);
    const cut = Math.ceil(text.length / 2);
    writeSync(1, text.slice(0, cut));
    pause(5);
    writeSync(1, `${text.slice(cut)}\n`);
  }
}

export function printError(text) {
  writeSync(2, `${text}\n`);
}

/** The real change a successful run leaves in the worktree. */
export function changeFile(cli) {
  writeFileSync(join(process.cwd(), 'hello.txt'), `hello from ${cli}\n`);
}

/**
 * Calls a tool of the MCP server `hq` in an MCP config file ({mcpServers: {hq: {url,
 * headers}}}) as a CLI does over streamable HTTP, and returns the answer's text.
 */
export async function callHqTool(configPath, name, args) {
  const { url, headers } = JSON.parse(readFileSync(configPath, 'utf8')).mcpServers.hq;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name, arguments: args },
    }),
  });
  return `${response.status} ${await response.text()}`;
}

/** A scenario the real CLI cannot produce (it has no such limit). */
export function unsupported(cli) {
  printError(`stand-in ${cli}: no ${scenario} scenario (the real CLI has no such failure)`);
  process.exitCode = 2;
}
