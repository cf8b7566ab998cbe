import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildCairnSchema } from './schema.js';

/** `npm run schema`: writes the SDL the code defines to schema/schema.graphql. */
export const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schema/schema.graphql');

export async function printCairnSchema(): Promise<string> {
  return printSchema(await buildCairnSchema()) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(schemaFile, await printCairnSchema());
  console.log(`Wrote ${path.relative(process.cwd(), schemaFile)}`);
}
