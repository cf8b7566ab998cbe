import { For, Match, Switch, type JSX } from 'solid-js';
import type { TextRun } from '@cairn/schema/care-plan';
import type * as Y from 'yjs';

export type { TextRun };

/** The formatted runs of a Y.Text, as the server materialises them (embeds, which the plan refuses, left out). */
export function runsOf(text: Y.Text): TextRun[] {
  return (text.toDelta() as Array<{ insert: unknown; attributes?: TextRun['attributes'] }>).filter((op): op is TextRun => typeof op.insert === 'string');
}

/** A stretch of one line in one set of inline formats. */
interface Span {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}
/** A line: its spans, and the list it belongs to (a line's format sits on the newline that ends it). */
interface Line {
  spans: Span[];
  list: 'bullet' | 'ordered' | null;
}
/** Consecutive lines shown together: paragraphs one by one, list items in one list. */
type Block = { kind: 'paragraph'; line: Line } | { kind: 'bullet' | 'ordered'; items: Line[] };

/**
 * Formatted text as elements (never HTML from the text): paragraphs, bulleted and numbered lists, bold,
 * italic and underline. Other list kinds (a checklist written by another client) show as bullets.
 */
export function RunsView(props: { runs: TextRun[]; class?: string }): JSX.Element {
  const blocks = () => blocksOf(linesOf(props.runs));
  return (
    <div class={props.class}>
      <For each={blocks()}>
        {(block) => (
          <Switch>
            <Match when={block.kind === 'paragraph' && block}>{(b) => <p>{spans(b().line)}</p>}</Match>
            <Match when={block.kind === 'bullet' && block}>{(b) => <ul>{items(b().items)}</ul>}</Match>
            <Match when={block.kind === 'ordered' && block}>{(b) => <ol>{items(b().items)}</ol>}</Match>
          </Switch>
        )}
      </For>
    </div>
  );
}

/** True when the runs hold no visible text. */
export function isBlank(runs: TextRun[]): boolean {
  return runs.every((r) => r.insert.trim() === '');
}

function items(lines: Line[]): JSX.Element {
  return <For each={lines}>{(line) => <li>{spans(line)}</li>}</For>;
}

function spans(line: Line): JSX.Element {
  return <For each={line.spans}>{(span) => styled(span)}</For>;
}

function styled(span: Span): JSX.Element {
  let node: JSX.Element = span.text;
  if (span.underline) node = <u>{node}</u>;
  if (span.italic) node = <em>{node}</em>;
  if (span.bold) node = <strong>{node}</strong>;
  return node;
}

/** Splits runs into lines; a text that does not end with a newline still ends its last line. */
function linesOf(runs: TextRun[]): Line[] {
  const lines: Line[] = [];
  let current: Span[] = [];
  for (const run of runs) {
    const parts = run.insert.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) {
        lines.push({ spans: current, list: listOf(run.attributes) });
        current = [];
      }
      if (part) current.push({ text: part, bold: run.attributes?.bold === true, italic: run.attributes?.italic === true, underline: run.attributes?.underline === true });
    });
  }
  if (current.length > 0) lines.push({ spans: current, list: null });
  return lines;
}

function listOf(attributes: TextRun['attributes']): Line['list'] {
  const list = attributes?.list;
  if (list === undefined || list === null || list === false) return null;
  return list === 'ordered' ? 'ordered' : 'bullet';
}

/** Groups consecutive list lines of the same kind into one list; keeps empty lines out of the reading. */
function blocksOf(lines: Line[]): Block[] {
  const blocks: Block[] = [];
  for (const line of lines) {
    const last = blocks[blocks.length - 1];
    if (line.list === null) {
      if (line.spans.length > 0) blocks.push({ kind: 'paragraph', line });
    } else if (last && last.kind === line.list) last.items.push(line);
    else blocks.push({ kind: line.list, items: [line] });
  }
  return blocks;
}
