import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { staticHeadersFile } from '../worker/http/security-policy';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The API reference page (public/docs/api/index.html) runs Swagger UI from files we ship,
 * never from a CDN: copy them beside the page at build time.
 */
function swaggerUiAssets(): Plugin {
  return {
    name: 'hq-swagger-ui-assets',
    apply: 'build',
    closeBundle() {
      const from = dirname(require.resolve('swagger-ui-dist/package.json'));
      const to = resolve(here, 'dist/docs/api');
      mkdirSync(to, { recursive: true });
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        copyFileSync(resolve(from, file), resolve(to, file));
      }
    },
  };
}

/**
 * The security headers of the static files (Cloudflare serves them without the worker): a
 * `_headers` file written from the worker's own list (worker/http/security-policy.ts).
 */
function securityHeadersFile(): Plugin {
  return {
    name: 'hq-security-headers',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(here, 'dist/_headers'), staticHeadersFile());
    },
  };
}

export default defineConfig({
  root: here,
  plugins: [preact(), swaggerUiAssets(), securityHeadersFile()],
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The office chunk is three.js (about 150 KiB gzipped), loaded only on /office; every
    // other page stays small. The bench reports both sizes.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8787', ws: true },
      '/auth': 'http://127.0.0.1:8787',
    },
  },
});
