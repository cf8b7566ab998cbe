import type { NextFunction, Request, RequestHandler, Response } from 'express';
import http from 'node:http';
import type { Config } from './config.js';

/**
 * What the browser may load for a Cairn page: only Cairn's own scripts, styles, images and connections
 * (the GraphQL endpoint and its WebSocket are same-origin), and no page may frame it (clickjacking).
 * Styles allow 'unsafe-inline' because the rich-text editor (Quill) and the app set `style` attributes,
 * and the print view carries its stylesheet inline; scripts never run inline.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Set on every response, HTML or not: a browser never sniffs a type, frames Cairn, or runs a foreign script. */
export const securityHeaders: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
  res.set({
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

/**
 * The HTTP server with deadlines: a client that trickles its headers or body (slowloris) is answered 408
 * and cut off instead of holding a connection for Node's default five minutes. The deadlines are checked
 * every second or so (Node's default is every 30 s). A WebSocket, once upgraded, is not an HTTP request
 * any more and is not subject to them.
 */
export function createHttpServer(app: http.RequestListener, config: Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs'>): http.Server {
  const requestTimeout = config.requestTimeoutMs;
  // Node refuses a headers deadline later than the whole request's.
  const headersTimeout = requestTimeout > 0 ? Math.min(config.headersTimeoutMs, requestTimeout) : config.headersTimeoutMs;
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2) || 1000));
  return http.createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval }, app);
}
