import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export type Answer = CallToolResult;

/**
 * A tool's answer: the data as JSON text (what every CLI shows the model) and as
 * structuredContent (for clients that read it). No outputSchema is declared, so a client
 * never has to compile one (ajv's code generation is refused in some runtimes).
 */
export function answer(data: Record<string, unknown>): Answer {
  return {
    content: [{ type: 'text', text: JSON.stringify(data, null, 2) }],
    structuredContent: data,
  };
}
