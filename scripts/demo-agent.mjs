// The demo's scripted offline "agent" for the command executor: no model, no key. It reads
// its prompt on standard input and leaves a small committed file inside the task's scope.
import { readFileSync } from 'node:fs';
import { doDemoWork } from './demo-work.mjs';

const file = doDemoWork(readFileSync(0, 'utf8'), 'the demo agent');
console.log(`demo agent: wrote ${file}`);
