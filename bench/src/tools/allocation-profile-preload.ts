/** `--import` this into a server to sample what it allocates (see allocation-profile.ts). */
import { sampleAllocations } from './allocation-profile.js';

const seconds = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value >= 0)) throw new Error(`${name} takes a number of seconds, 0 or more`);
  return value;
};

void sampleAllocations({
  startSeconds: seconds('ALLOCATION_START_SECONDS', 15),
  seconds: seconds('ALLOCATION_SECONDS', 10),
  file: `/tmp/allocations-${process.pid}.heapprofile`,
  survivorsOnly: process.env.ALLOCATION_SURVIVORS === '1',
}).catch((error: unknown) => console.error('allocation sampling failed', error));
