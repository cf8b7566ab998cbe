import express from 'express';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/harness.js';
import { recordingLogger } from '../test-support/recording-logger.js';
import { operationLimits } from './graphql-guard.js';
import { answerRouteError, answerUnreadableBody } from './request-errors.js';

const json = { 'content-type': 'application/json' };
const ME = JSON.stringify({ query: '{ __typename }' });

/** Requests whose body Express's JSON reader refuses, with the status and the words each is answered with. */
const unreadable: Array<{ name: string; body: string | Buffer; headers: Record<string, string>; status: number; message: RegExp }> = [
  { name: 'not JSON', body: '{"query": ', headers: json, status: 400, message: /not a JSON object: send \{"query"/ },
  { name: 'JSON null', body: 'null', headers: json, status: 400, message: /not a JSON object/ },
  { name: 'a JSON number', body: '5', headers: json, status: 400, message: /not a JSON object/ },
  { name: 'a JSON string', body: '"{ __typename }"', headers: json, status: 400, message: /not a JSON object/ },
  {
    name: 'a body over the limit',
    body: JSON.stringify({ query: '{ __typename }', variables: { x: 'a'.repeat(operationLimits.maxMessageBytes) } }),
    headers: json,
    status: 413,
    message: new RegExp(`too large \\(the limit is ${operationLimits.maxMessageBytes} bytes\\)`),
  },
  { name: 'a charset other than UTF-8', body: ME, headers: { 'content-type': 'application/json; charset=latin1' }, status: 415, message: /charset \(latin1\) is not supported: send UTF-8/ },
  { name: 'an unknown content encoding', body: ME, headers: { ...json, 'content-encoding': 'lzma' }, status: 415, message: /content encoding \(lzma\) is not supported/ },
  { name: 'a "gzip" body that is not gzip', body: ME, headers: { ...json, 'content-encoding': 'gzip' }, status: 400, message: /could not be read/ },
];

async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text };
}

describe('a request body Cairn cannot read', () => {
  for (const production of [false, true]) {
    describe(production ? 'in production' : 'by default (what `npm start` runs)', () => {
      const logger = recordingLogger();
      const server = useTestServer({ production }, logger);

      it('is answered as JSON with BAD_REQUEST, the reader\'s status and what to send, never as an HTML page or an internal error', async () => {
        const { url } = server();
        for (const c of unreadable) {
          const answer = await post(url, c.body, c.headers);
          expect(answer.status, c.name).toBe(c.status);
          expect(answer.type, c.name).toMatch(/^application\/json/);
          const { errors } = JSON.parse(answer.text) as { errors: Array<{ message: string; extensions: { code: string } }> };
          expect(errors, c.name).toHaveLength(1);
          expect(errors[0].extensions.code, c.name).toBe('BAD_REQUEST');
          expect(errors[0].message, c.name).toMatch(c.message);
          expect(answer.text, c.name).not.toMatch(/node_modules|SyntaxError|<html/i);
        }
        expect(logger.lines.filter((l) => l.msg === 'Internal error')).toEqual([]);
        // The same body read as it should be is answered.
        const good = await post(url, gzipSync(ME), { ...json, 'content-encoding': 'gzip' });
        expect(JSON.parse(good.text)).toEqual({ data: { __typename: 'Query' } });
      });

      it('a printed page\'s address that does not decode is answered in plain words, as the page\'s other refusals are', async () => {
        const { url } = server();
        const res = await fetch(`${url}/patients/%zz/care-plan/print`);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await res.text()).toBe('This address cannot be read: check the link, or open the page again from Cairn.');
        expect(logger.lines.filter((l) => l.msg === 'Internal error')).toEqual([]);
      });

      it('asks for an automatic persisted query in vain: PERSISTED_QUERY_NOT_SUPPORTED, never an internal error', async () => {
        const { url } = server();
        const hash = 'a'.repeat(64);
        for (const extensions of [
          { persistedQuery: { version: 1, sha256Hash: hash } },
          { persistedQuery: { version: 2, sha256Hash: hash } },
        ]) {
          for (const body of [{ extensions }, { query: '{ __typename }', extensions }]) {
            const answer = await post(url, JSON.stringify(body), json);
            const { errors } = JSON.parse(answer.text) as { errors: Array<{ extensions: { code: string } }> };
            expect(errors[0].extensions.code, JSON.stringify(body)).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
          }
        }
        expect(logger.lines.filter((l) => l.msg === 'Internal error')).toEqual([]);
      });
    });
  }
});

describe('anything else thrown before a route answers', () => {
  it('is internal: logged under a request id and answered with the generic message and that id, as JSON on /graphql and as text elsewhere', async () => {
    const logger = recordingLogger();
    const reporting = { exposeInternals: false, reportInternal: (error: unknown, requestId: string) => logger.error('Internal error', { requestId, error: String(error) }) };
    const fail = () => {
      throw new Error("insert into patient values ('Ada')");
    };
    const app = express();
    app.post('/graphql', fail, answerUnreadableBody(reporting));
    app.get('/page', fail);
    app.use(answerRouteError(reporting));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const answer = await post(url, ME, json);
      expect(answer.status).toBe(500);
      const { errors } = JSON.parse(answer.text) as { errors: Array<{ message: string; extensions: { code: string; requestId: string } }> };
      const { requestId } = errors[0].extensions;
      expect(errors[0]).toEqual({ message: generic(requestId), extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } });
      const page = await fetch(`${url}/page`);
      expect(page.status).toBe(500);
      const pageText = await page.text();
      const pageRequestId = /quote request ([\w-]+)\.$/.exec(pageText)?.[1] ?? '';
      expect(pageText).toBe(generic(pageRequestId));
      expect(logger.lines).toEqual([
        { msg: 'Internal error', requestId, error: expect.stringMatching(/Ada/) },
        { msg: 'Internal error', requestId: pageRequestId, error: expect.stringMatching(/Ada/) },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function generic(requestId: string): string {
  return `Something went wrong on our side. Please try again; if it goes on, quote request ${requestId}.`;
}
