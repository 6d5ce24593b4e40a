/** The wall clock, injectable so tests and benchmarks can control time. Milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Unix seconds of a clock. */
export const unixNow = (clock: Clock): number => Math.floor(clock.now() / 1000);
