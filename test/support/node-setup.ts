// Setup file of the node project: after each test file, whatever it started and did not end
// (a `beforeAll` that threw before its handles were assigned, a failed assertion before a
// stop) is ended here, so the next file starts on a quiet machine.
import { afterAll } from 'vitest';
import { endAllProcesses } from './processes';

afterAll(endAllProcesses, 30_000);
