import * as bundleSize from './bundle-size';
import * as ceoQueue from './ceo-queue';
import * as corePath from './core-path';
import * as durableAck from './durable-ack';
import * as missionApproval from './mission-approval';
import * as officeFps from './office-fps';
import * as officeHub from './office-hub';
import * as taskList from './task-list';
import * as telegramWebhook from './telegram-webhook';
import type { Suite } from './types';

/**
 * Every measurement of `npm run bench`, in table order. To add one, write a file exporting
 * `measure(ctx)` (and `seedSql()` if it needs data in D1 before HQ starts) and append it here.
 */
export const suites: Suite[] = [
  { name: 'telegram-webhook', ...telegramWebhook },
  // Right after the webhook: what the same burst costs the runtime without HQ.
  { name: 'durable-ack', ...durableAck },
  { name: 'task-list', ...taskList },
  { name: 'mission-approval', ...missionApproval },
  { name: 'ceo-queue', ...ceoQueue },
  { name: 'bundle-size', ...bundleSize },
  // The hub first: the frames suite hires agents up to 200.
  { name: 'office-hub', ...officeHub },
  { name: 'office-fps', ...officeFps },
  // The condition: 10,000 tasks, not what the suites above leave (100,000 and 200 agents).
  { name: 'core-path', ownHq: true, ...corePath },
];
