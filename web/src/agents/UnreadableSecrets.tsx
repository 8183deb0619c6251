/** Says plainly which of an agent's stored secrets no key opens, and the two ways out. */
export function UnreadableSecrets({ paths }: { paths: string[] }) {
  return (
    <div class="warning" role="alert" data-testid="unreadable-secrets">
      <p>
        <strong>Some MCP secrets of this agent cannot be read.</strong> They were sealed with an
        encryption key this server no longer has, so they show as [UNREADABLE] and cannot be used or
        kept:
      </p>
      <ul class="mono">
        {paths.map((path) => (
          <li key={path}>{path}</li>
        ))}
      </ul>
      <p>
        Either set ENCRYPTION_KEY_PREVIOUS to the old key and re-seal (Settings → Secrets), or type
        new values in place of [UNREADABLE] below and save.
      </p>
    </div>
  );
}
