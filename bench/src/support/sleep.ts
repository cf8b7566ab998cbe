/** Resolves after `ms` milliseconds of real time (the suites wait on the real clock, never a faked one). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
