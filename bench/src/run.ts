/**
 * `npm run bench -- <suite>`: runs one named benchmark (or all) and prints its figures beside the
 * baseline it is compared with in the same run. Not part of `npm test`; timings never fail a build.
 */
import { suites } from './suites.js';
import { describeYardstick, measureYardstick } from './support/yardstick.js';

// Options take a value (`--plans 10` or `--plans=10`); what follows a bare `--flag` is its value, not a suite.
const args = process.argv.slice(2);
const wanted = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^--[\w-]+$/.test(args[i - 1])));
const names = wanted.length ? wanted : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`No benchmark called "${name}". Choose from: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}
console.log(describeYardstick(await measureYardstick()));
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  await suites[name]();
}
process.exit(0);
