import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printCairnSchema, schemaFile } from './emit-schema.js';

describe('schema/schema.graphql', () => {
  it('is exactly what the code defines (run `npm run schema` after changing the API)', async () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(await printCairnSchema());
  });
});
