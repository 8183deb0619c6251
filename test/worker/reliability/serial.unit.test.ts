import { describe, expect, it } from 'vitest';
import { MAX_WAITING, Serial, SerialOverloaded } from '../../../durable-objects/serial';

/** A promise the test settles by hand, to hold a run at its await. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let refuse!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    refuse = reject;
  });
  return { promise, open, refuse };
}

/** Lets every queued microtask and timer callback run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Serial: one piece of work at a time inside a Durable Object', () => {
  it('runs work strictly in turn, even when each one awaits I/O', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const first = gate();
    const a = serial.run(async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
      return 'a';
    });
    const b = serial.run(async () => {
      log.push('b starts');
      return 'b';
    });
    await settle();
    expect(log).toEqual(['a starts']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('folds calls that arrive while a run waits its turn into that run', async () => {
    const serial = new Serial();
    const busy = gate();
    const blocker = serial.run(() => busy.promise);
    let passes = 0;
    const pass = serial.coalesced(async () => ++passes);
    const burst = [pass(), pass(), pass(), pass()];
    await settle();
    expect(passes).toBe(0);
    busy.open();
    await blocker;
    expect(await Promise.all(burst)).toEqual([1, 1, 1, 1]);
    expect(passes).toBe(1);
  });

  it('queues a fresh run for a call made once the waiting run has started', async () => {
    const serial = new Serial();
    const inside = gate();
    let passes = 0;
    const pass = serial.coalesced(async () => {
      passes++;
      if (passes === 1) await inside.promise;
      return passes;
    });
    const first = pass();
    await settle();
    expect(passes).toBe(1);
    // The first pass has begun reading: a write now must be read by another pass.
    const second = pass();
    const joined = pass();
    expect(joined).toBe(second);
    inside.open();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(passes).toBe(2);
  });

  it('rejects only the caller of a failing run; the next run still runs', async () => {
    const serial = new Serial();
    const failing = serial.run(async () => {
      throw new Error('boom');
    });
    const next = serial.run(async () => 'still here');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('still here');
  });

  it('hands a failed coalesced run to everyone who joined it, then runs again on request', async () => {
    const serial = new Serial();
    const busy = gate();
    serial.run(() => busy.promise);
    let passes = 0;
    const pass = serial.coalesced(async () => {
      passes++;
      if (passes === 1) throw new Error('first pass failed');
      return passes;
    });
    const joined = [pass(), pass()];
    busy.open();
    for (const caller of joined) await expect(caller).rejects.toThrow('first pass failed');
    expect(await pass()).toBe(2);
  });

  it('with a gap, runs at once after a quiet spell, then at most once per gap', async () => {
    const serial = new Serial();
    const GAP = 60;
    const starts: number[] = [];
    const pass = serial.coalesced(async () => starts.push(performance.now()), GAP);
    expect(await pass()).toBe(1);
    // Inside the gap: held, and every call meanwhile joins the one held run.
    const held = pass();
    expect(pass()).toBe(held);
    await settle();
    expect(starts).toHaveLength(1);
    expect(await held).toBe(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(GAP - 1);
    // A quiet spell longer than the gap: the next call starts at once, not after a wait.
    await new Promise((resolve) => setTimeout(resolve, GAP + 10));
    const quiet = pass();
    await settle();
    expect(starts).toHaveLength(3);
    await quiet;
  });

  it('does not keep a run held for its gap and refused when its turn came', async () => {
    const serial = new Serial();
    const pass = serial.coalesced(async () => 'pass', 30);
    await pass();
    const held = pass();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (let i = 0; i < MAX_WAITING; i++) serial.run(() => gate).catch(() => undefined);
    await expect(held).rejects.toBeInstanceOf(SerialOverloaded);
    release();
    await expect.poll(() => serial.waiting).toBe(0);
    expect(await pass()).toBe('pass');
  });
});
