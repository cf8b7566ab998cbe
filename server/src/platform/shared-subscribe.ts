import {
  createSourceEventStream,
  execute,
  getOperationAST,
  Kind,
  subscribe,
  visit,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { flatResultMaker, type FlatResultMaker } from './flat-results.js';
import { perOperation } from './per-operation.js';
import type { NextSink } from './ws-transport.js';

/**
 * Root subscription fields whose result depends only on the event, not on who receives it (their streams
 * have already decided each subscriber may see the event, and these resolvers read nothing of the
 * viewer), each with the argument that only says where a subscriber's stream starts.
 */
const streamStartArgument: Record<string, string> = { patientEvents: 'after', carePlanUpdates: 'stateVector' };
/**
 * Root subscription fields whose results, written directly, wait for the end of the turn: a care-plan
 * update reaches its plan's editors in the turn that answers their own edits of the same group commit,
 * and each socket's share then leaves in one write (measured: written at once, at 250 editors, the server
 * used 0.56-0.58 cores instead of 0.49-0.52). A patient event goes out to its audience socket by socket.
 */
const heldFields = new Set(['carePlanUpdates']);

/** Audience keys remembered for sharing between subscribers (the audiences live at once, with room to spare). */
const MAX_INTERNED_KEYS = 10_000;

/** What a direct consumer does with one value: true once it is sent, or how to wait until it can be. */
export type Delivery = true | ((resume: () => void, fail: (error: unknown) => void) => void);

/** A stream that can hand each value to a callback as it comes, in order (the event hub's subscriptions). */
export interface DirectSource<T> extends AsyncIterable<T> {
  /**
   * Resolves when the stream completes, rejects with its error. `prepare` makes a value's result ahead
   * of its delivery, while the stream may not send yet.
   */
  deliverTo(deliver: (value: T) => Delivery, prepare?: (value: T) => void): Promise<void>;
  return?(): Promise<IteratorResult<T>>;
}

export interface SharedSubscribeOptions {
  /** Where a subscription's results may be written as they come (its WebSocket), if anywhere. */
  sinkFor?: (args: ExecutionArgs) => NextSink | null;
}

/**
 * graphql-ws's `subscribe`, executing an event once per audience instead of once per subscriber: every
 * subscriber of a viewer-independent field with the same document and variables gets the same result
 * object for the same event (the hub hands them all one event object). Where the stream can hand over
 * events as they come and the socket can take results directly, each result is written as the event is
 * dispatched, without graphql-ws's promises per result; graphql-ws still sees the stream end and sends
 * its completion or error. Other subscriptions are untouched.
 */
export function createSharedSubscribe(options: SharedSubscribeOptions = {}): (args: ExecutionArgs) => ReturnType<typeof subscribe> {
  const results: AudienceResults = new WeakMap();
  const audienceKey = audienceKeys();
  const makerOf = perOperation(flatResultMaker);
  return async (args) => {
    const field = rootField(args);
    if (!field || !(field in streamStartArgument)) return subscribe(args);
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const audience = new Audience(results, args, audienceKey(args), makerOf(args));
    const sink = options.sinkFor?.(args) ?? null;
    if (sink && isDirectSource(stream)) return new DirectStream(stream, audience, sink, heldFields.has(field));
    return mapAsyncIterable(stream, (event) => audience.resultOf(event));
  };
}

/** Per event object, each audience's result (or the promise of it while it is executed). */
type AudienceResults = WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>;

/**
 * One subscriber's share of the results: the execution arguments its audience's result is made with, and
 * the key it is found under. A class rather than closures: every idle subscription keeps one.
 */
class Audience {
  constructor(
    private readonly results: AudienceResults,
    private readonly args: ExecutionArgs,
    private readonly key: string,
    /** Makes the result without graphql-js where the selection allows it (null: it doesn't). */
    private readonly maker: FlatResultMaker | null,
  ) {}

  resultOf(event: unknown): Promise<ExecutionResult> | ExecutionResult {
    if (typeof event !== 'object' || event === null) return this.make(event);
    let byAudience = this.results.get(event);
    if (!byAudience) this.results.set(event, (byAudience = new Map()));
    let result = byAudience.get(this.key);
    if (!result) {
      const audience = byAudience;
      const key = this.key;
      audience.set(key, (result = this.make(event)));
      // Once settled, later subscribers take the result itself rather than wait on the promise.
      if (result instanceof Promise) result.then((settled) => audience.set(key, settled), () => undefined);
    }
    return result;
  }

  private make(event: unknown): Promise<ExecutionResult> | ExecutionResult {
    return this.maker?.(event) ?? execute({ ...this.args, rootValue: event });
  }
}

/**
 * Sends a result now if the socket can take it. A result still being executed is waited for; by then the
 * audience's cache holds it, so the retried delivery finds it settled.
 */
function deliverResult(sink: NextSink, result: Promise<ExecutionResult> | ExecutionResult, hold: boolean): Delivery {
  if (result instanceof Promise) return (resume, fail) => void result.then(() => resume(), fail);
  return sink.next(result, hold) || ((resume) => sink.whenWritable(resume));
}

/** Makes a result's message ahead of sending it; one still being executed is made when it is sent. */
function prepareResult(sink: NextSink, result: Promise<ExecutionResult> | ExecutionResult): void {
  if (!(result instanceof Promise)) sink.prepare(result);
}

function isDirectSource(stream: AsyncIterable<unknown>): stream is DirectSource<unknown> {
  return 'deliverTo' in stream && typeof stream.deliverTo === 'function';
}

const done = { value: undefined, done: true } as const;

/**
 * What graphql-ws iterates when results are written directly: nothing is yielded; the first `next()`
 * starts delivery and settles when the stream ends, so graphql-ws then completes it or sends its error.
 */
class DirectStream<T> implements AsyncGenerator<ExecutionResult, void, void> {
  private ended: Promise<IteratorResult<ExecutionResult, void>> | null = null;

  constructor(
    private readonly source: DirectSource<T>,
    private readonly audience: Audience,
    private readonly sink: NextSink,
    private readonly hold: boolean,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult, void>> {
    return (this.ended ??= this.source
      .deliverTo(
        (event) => deliverResult(this.sink, this.audience.resultOf(event), this.hold),
        (event) => prepareResult(this.sink, this.audience.resultOf(event)),
      )
      .then(() => done));
  }

  async return(): Promise<IteratorResult<ExecutionResult, void>> {
    await this.source.return?.();
    return done;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult, void>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncGenerator<ExecutionResult, void, void> {
    return this;
  }
}

/** An async generator whose `next` is `next`, and whose `return` and `throw` first end its source with `stop`. */
function generatorOf<T>(next: () => Promise<IteratorResult<T, void>>, stop: () => Promise<unknown> | undefined): AsyncGenerator<T, void, void> {
  const generator: AsyncGenerator<T, void, void> = {
    next,
    async return() {
      await stop();
      return done;
    },
    async throw(error: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return generator;
    },
  };
  return generator;
}

function rootField(args: ExecutionArgs): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  const selections = operation?.operation === 'subscription' ? operation.selectionSet.selections : [];
  return selections.length === 1 && selections[0].kind === 'Field' ? selections[0].name.value : undefined;
}

/**
 * One audience: the same document (cached documents are shared objects) and the same variables, but for
 * a variable used only as the stream's start (a resume cursor, a state vector), which decides where each
 * subscriber's stream begins and nothing of what an event's result holds.
 */
function audienceKeys(): (args: ExecutionArgs) => string {
  const documentIds = new WeakMap<object, number>();
  const startVariable = perOperation(startOnlyVariable);
  let nextDocumentId = 0;
  // Every subscriber keeps its audience's key: one copy of each, not one per subscriber.
  const keys = new Map<string, string>();
  const interned = (key: string): string => {
    const known = keys.get(key);
    if (known !== undefined) return known;
    if (keys.size >= MAX_INTERNED_KEYS) keys.clear(); // only sharing is lost
    keys.set(key, key);
    return key;
  };
  return (args) => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    const start = startVariable(args);
    const variables = { ...((args.variableValues ?? {}) as Record<string, unknown>) };
    if (start) delete variables[start];
    return interned(`${id}|${args.operationName ?? ''}|${JSON.stringify(variables)}`);
  };
}

/** The variable given as the root field's stream-start argument, if the operation uses it nowhere else. */
function startOnlyVariable(args: ExecutionArgs): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  const root = operation?.selectionSet.selections[0];
  if (!operation || root?.kind !== Kind.FIELD) return null;
  const value = root.arguments?.find((a) => a.name.value === streamStartArgument[root.name.value])?.value;
  if (value?.kind !== Kind.VARIABLE) return null;
  let uses = 0;
  visit(operation.selectionSet, { Variable: (v) => void (v.name.value === value.name.value && uses++) });
  return uses === 1 ? value.name.value : null;
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Maps each value of `source`. Written with `then` rather than async functions: it runs once per delivery
 * to every subscriber, and each async function costs extra promises (and their async-hook callbacks).
 */
function mapAsyncIterable<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>): AsyncGenerator<U, void, void> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped = (r: IteratorResult<T>): IteratorResult<U, void> | Promise<IteratorResult<U, void>> => {
    if (r.done) return done;
    const value = map(r.value);
    return value instanceof Promise ? value.then((v) => ({ value: v, done: false })) : { value, done: false };
  };
  return generatorOf(
    () => iterator.next().then(mapped),
    () => iterator.return?.(),
  );
}
