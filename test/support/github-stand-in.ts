import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GithubStandIn } from './provided-context';

/** Accounts whose GitHub email is not verified. */
const UNVERIFIED = new Set(['unverified@test.hq']);

interface PendingCode {
  login: string;
  redirectUri: string;
  challenge: string;
}

/**
 * A local GitHub that speaks the OAuth-app wire format: /login/oauth/authorize (PKCE S256),
 * /login/oauth/access_token (single-use codes, GitHub's 200-with-error answers) and
 * /user/emails. The account "logs in" as the `login` parameter, as on github.com.
 */
export async function startGithubStandIn(): Promise<GithubStandIn & { close(): Promise<void> }> {
  const clientId = 'hq-github-test';
  const clientSecret = randomBytes(16).toString('hex');
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, string>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize')
      return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token')
      return exchange(req, res);
    if (req.method === 'GET' && url.pathname === '/user/emails') return emails(req, res);
    send(res, 404, { message: 'Not Found' });
  });

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    if (q.get('client_id') !== clientId) return send(res, 404, { message: 'unknown client' });
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return send(res, 400, { message: 'PKCE S256 required by this stand-in' });
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    const code = randomBytes(10).toString('hex');
    codes.set(code, {
      login: q.get('login') ?? 'admin@test.hq',
      redirectUri,
      challenge: q.get('code_challenge') ?? '',
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { location: target.href }).end();
  }

  async function exchange(req: IncomingMessage, res: ServerResponse) {
    const body = new URLSearchParams(await readBody(req));
    const fail = (error: string) =>
      // GitHub answers token errors with 200 and an error body.
      send(res, 200, {
        error,
        error_description: error.replaceAll('_', ' '),
        error_uri: 'https://docs.github.com',
      });
    if (body.get('client_id') !== clientId || body.get('client_secret') !== clientSecret)
      return fail('incorrect_client_credentials');
    const code = body.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.redirectUri !== body.get('redirect_uri'))
      return fail('bad_verification_code');
    const verifier = body.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge)
      return fail('bad_verification_code');
    const token = `gho_${randomBytes(12).toString('hex')}`;
    tokens.set(token, pending.login);
    send(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }

  function emails(req: IncomingMessage, res: ServerResponse) {
    const login = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!login) return send(res, 401, { message: 'Bad credentials' });
    send(res, 200, [
      { email: login, primary: true, verified: !UNVERIFIED.has(login), visibility: 'private' },
    ]);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    webUrl: root,
    apiUrl: root,
    clientId,
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}
