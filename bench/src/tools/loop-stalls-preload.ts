/** `--import` this into a server to log its event loop's stalls to its standard error (see loop-stalls.ts). */
import { watchLoopStalls } from './loop-stalls.js';

const thresholdMs = Number(process.env.LOOP_STALL_MS ?? 15);
if (!(thresholdMs > 0)) throw new Error('LOOP_STALL_MS takes a number of milliseconds, more than 0');

watchLoopStalls({
  thresholdMs,
  report: (stall) => process.stderr.write(`loop stall: due at ${stall.atSeconds.toFixed(3)} s, ran ${stall.lateMs.toFixed(1)} ms late\n`),
});
