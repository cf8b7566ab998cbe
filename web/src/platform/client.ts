import { Client, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { errorCodesOf } from './errors.js';

/** The app's two ways to the server: urql for every operation, the socket it uses for subscriptions. */
export interface Connection {
  urql: Client;
  /** The graphql-ws client under urql's subscriptions, for features that need the socket itself. */
  ws: WsClient;
  /** Closes the socket; the connection is not used again. */
  dispose(): void;
}

export interface ConnectionOptions {
  /** Called when any operation answers UNAUTHENTICATED: the session has ended. */
  onUnauthenticated(): void;
}

const graphqlPath = '/graphql';

/**
 * One connection per signed-in session: a new session gets a fresh client and socket, so nothing
 * fetched as one person is ever served to the next. There is deliberately no cache exchange: clinical
 * data is always read fresh, and nothing about patients is kept in memory after sign-out.
 */
export function createConnection(options: ConnectionOptions): Connection {
  // Same origin, so the browser sends the HttpOnly session cookie on the upgrade; lazy, so no socket
  // is opened until a feature subscribes.
  const ws = createWsClient({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${graphqlPath}`,
    lazy: true,
    retryAttempts: 5,
  });

  const urql = new Client({
    url: graphqlPath,
    // POST with JSON keeps the server's CSRF prevention effective and patient data out of URLs and logs.
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'network-only',
    exchanges: [
      mapExchange({
        onError(error: CombinedError) {
          if (errorCodesOf(error).includes('UNAUTHENTICATED')) options.onUnauthenticated();
        },
      }),
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(payload, sink);
              return { unsubscribe };
            },
          };
        },
      }),
      fetchExchange,
    ],
  });

  return {
    urql,
    ws,
    dispose() {
      void ws.dispose();
    },
  };
}
