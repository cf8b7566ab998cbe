import type { ErrorRequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { internalErrorMessage, type ErrorFormatting } from './errors.js';

/** What the answers below need of the error mapper's settings. */
type InternalReporting = Pick<ErrorFormatting, 'exposeInternals' | 'reportInternal'>;

/** What Express and its JSON reader (body-parser) put on the errors they refuse a request with. */
interface ClientRequestError {
  status: number;
  type?: string;
  limit?: number;
  charset?: string;
  encoding?: string;
}

/**
 * Answers `/graphql`'s requests that never reached GraphQL as GraphQL answers. Express's JSON reader
 * refuses a body that is not a JSON object, too large, or in a charset or encoding it cannot read by
 * throwing, and Express would answer with an HTML page (with a stack trace, outside production). A client
 * is told instead, as JSON with the code BAD_REQUEST and the reader's status, what to send. Anything else
 * thrown on the way is internal, as formatError has it: logged under a request id and answered with the
 * generic message.
 */
export function answerUnreadableBody(formatting: InternalReporting): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (isClientError(error)) {
      res.status(error.status).json({ errors: [{ message: unreadableBodyMessage(error), extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    const { message, requestId } = reportedInternal(error, formatting);
    res.status(500).json({ errors: [{ message, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
  };
}

/**
 * The same for every other route (the printed pages, the web app), in plain text as they answer: a request
 * Express could not take apart (a path that does not decode) is the client's, and anything else internal.
 */
export function answerRouteError(formatting: InternalReporting): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (isClientError(error)) {
      res.status(error.status).type('text/plain').send('This address cannot be read: check the link, or open the page again from Cairn.');
      return;
    }
    res.status(500).type('text/plain').send(reportedInternal(error, formatting).message);
  };
}

/** Logs an internal error under a new request id; what the client is told of it. */
function reportedInternal(error: unknown, formatting: InternalReporting): { message: string; requestId: string } {
  const requestId = randomUUID();
  formatting.reportInternal(error, requestId);
  return { message: formatting.exposeInternals && error instanceof Error ? error.message : internalErrorMessage(requestId), requestId };
}

/** An error Express or its JSON reader raised for a request it could not take: a 4xx status on it. */
function isClientError(error: unknown): error is ClientRequestError {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The reader's own messages ("request entity too large") name no remedy; these do. */
function unreadableBodyMessage(error: ClientRequestError): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return 'The request body is not a JSON object: send {"query": "…", "variables": {…}} as application/json.';
    case 'entity.too.large':
      return `The request body is too large (the limit is ${error.limit ?? 'smaller'} bytes).`;
    case 'charset.unsupported':
      return `The request body's charset (${error.charset ?? 'given'}) is not supported: send UTF-8.`;
    case 'encoding.unsupported':
      return `The request body's content encoding (${error.encoding ?? 'given'}) is not supported: send it uncompressed, or as gzip, deflate or br.`;
    default:
      return 'The request body could not be read (a compressed body that does not decompress, or one cut short): send it again, whole.';
  }
}
