/** "a", "a and b", "a, b and c": a list as a sentence reads it (server messages and the web alike). */
export function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
