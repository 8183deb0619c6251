import type { D1Migration } from 'cloudflare:test';
import type {} from '../support/provided-context';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
