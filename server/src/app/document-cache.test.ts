import { describe, expect, it } from 'vitest';
import { buildCairnSchema } from './schema.js';
import { DocumentCache, prepareDocument } from '../platform/graphql-guard.js';

describe('the WebSocket document cache', () => {
  it('shares one validated document per query text, never caches a refused one, and stays bounded', async () => {
    const schema = await buildCairnSchema();
    const cache = new DocumentCache(2);
    const first = prepareDocument(schema, '{ me { id } }', false, cache);
    const second = prepareDocument(schema, '{ me { id } }', false, cache);
    expect('document' in first && 'document' in second && first.document === second.document).toBe(true);

    const bad = '{ me { nope } }';
    expect('errors' in prepareDocument(schema, bad, false, cache)).toBe(true);
    expect(cache.get(bad)).toBeUndefined();

    prepareDocument(schema, '{ me { name } }', false, cache);
    prepareDocument(schema, '{ me { email } }', false, cache);
    expect(cache.get('{ me { id } }')).toBeUndefined(); // least recently used, evicted
    expect(cache.get('{ me { email } }')).toBeDefined();
  });
});
