import { REDACTED } from '../audit/redact';
import { DomainError } from '../errors';
import type { McpServersConfig } from './fields';
import { UNREADABLE } from './unreadable';

/**
 * Refuses a placeholder with no usable secret behind it: `[REDACTED]` where nothing is stored,
 * or a secret no key opens (`[UNREADABLE]`, or `[REDACTED]` asking to keep it).
 */
export function assertNoDanglingPlaceholders(servers: McpServersConfig, slug?: string): void {
  for (const [name, server] of Object.entries(servers)) {
    // A placeholder inside an argument or the URL stands for a stored string it did not match.
    const strings = [
      ...(server.args ?? []).map((value, i) => [`args.${i}`, value] as const),
      ...(server.url ? [['url', server.url] as const] : []),
    ];
    for (const [place, value] of strings) {
      if (!value.includes(REDACTED)) continue;
      const field = `mcpServers.${name}.${place}`;
      throw new DomainError(
        'validation_failed',
        `${field} holds ${REDACTED} but no stored value matches it; send the whole value again.`,
        {
          fields: [{ field, in: 'body', message: 'no stored value to keep' }],
        },
      );
    }
    for (const section of ['env', 'headers'] as const) {
      for (const [key, value] of Object.entries(server[section] ?? {})) {
        if (value !== REDACTED && value !== UNREADABLE) continue;
        const field = `mcpServers.${name}.${section}.${key}`;
        const [message, short] =
          value === REDACTED
            ? [`${field} is ${REDACTED} but no value is stored for it.`, 'no stored value to keep']
            : [
                `${field}${slug ? ` of agent ${slug}` : ''}: no key opens the stored value (ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS), so it cannot be kept. Send a new value.`,
                'the stored value cannot be opened: send a new value',
              ];
        throw new DomainError('validation_failed', message, {
          fields: [{ field, in: 'body', message: short }],
        });
      }
    }
  }
}
