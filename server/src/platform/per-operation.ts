import type { DocumentNode } from 'graphql';

/** Which operation of which document: cached documents are shared objects (see graphql-guard.ts). */
export interface OperationRef {
  readonly document: DocumentNode;
  readonly operationName?: string | null;
}

/** `compute(operation)` made once per document and operation name, and remembered while the document lives. */
export function perOperation<A extends OperationRef, T>(compute: (operation: A) => T): (operation: A) => T {
  const byDocument = new WeakMap<DocumentNode, Map<string, T>>();
  return (operation) => {
    let byName = byDocument.get(operation.document);
    if (!byName) byDocument.set(operation.document, (byName = new Map()));
    const name = operation.operationName ?? '';
    if (!byName.has(name)) byName.set(name, compute(operation));
    return byName.get(name) as T;
  };
}
