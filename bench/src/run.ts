/**
 * `npm run bench -- <suite>`: runs one named benchmark (or all) and prints its figures beside the
 * baseline it is compared with in the same run. Not part of `npm test`; timings never fail a build.
 */
import { suites } from './suites.js';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`No benchmark called "${name}". Choose from: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  await suites[name]();
}
process.exit(0);
