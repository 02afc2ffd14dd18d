// What the transcript shows of a message: its parts in order (text, reasoning,
// tool calls), and of a tool call its name, status, title, subject (the
// command, the file…), input, output, error and diff. No DOM, no Solid.
import { todosFrom, type MessageView, type PartView, type TodoView } from './opencode';

export type ToolStatus = 'pending' | 'running' | 'completed' | 'error';

export interface DiffLine {
  /** `add`/`del`: a changed line; `ctx`: unchanged; `hunk`: `@@ … @@`; `file`: `--- a` / `+++ b`. */
  kind: 'add' | 'del' | 'ctx' | 'hunk' | 'file';
  text: string;
}

export interface ToolView {
  name: string;
  status: ToolStatus;
  /** OpenCode's title of the call (a command's description, a file's path…). */
  title?: string;
  /** The one argument that says what the call does: a command, a file path, a pattern, a URL. */
  subject?: { label: string; text: string };
  /** The arguments, readable (a command as is, others as JSON). */
  input: string;
  output?: string;
  /** Why the call failed (a rejected permission, a tool error). */
  error?: string;
  /** The unified diff of an edit, line by line. */
  diff?: DiffLine[];
  added: number;
  removed: number;
  /** The todo list a `todowrite` call wrote (shown as a list, not as JSON). */
  todos?: TodoView[];
}

/** One block of a message, in order. */
export type Block =
  | { kind: 'text'; id: string; text: string }
  | { kind: 'reasoning'; id: string; text: string }
  | { kind: 'tool'; id: string; tool: ToolView };

/** The blocks a message shows: text (non-empty; a user's own only, not what
 *  OpenCode added), reasoning, tool calls. Step markers and the like are left out. */
export function messageBlocks(m: MessageView): Block[] {
  const out: Block[] = [];
  for (const p of m.parts) {
    if (p.type === 'text') {
      if (!p.text.trim() || (p.synthetic && m.role === 'user')) continue;
      const last = out.at(-1);
      // Text parts in a row read as one.
      if (last?.kind === 'text') out[out.length - 1] = { ...last, text: `${last.text}\n\n${p.text}` };
      else out.push({ kind: 'text', id: p.id, text: p.text });
    } else if (p.type === 'reasoning') {
      if (p.text.trim()) out.push({ kind: 'reasoning', id: p.id, text: p.text });
    } else if (p.type === 'tool') {
      out.push({ kind: 'tool', id: p.id, tool: toolView(p) });
    }
  }
  return out;
}

/** Text longer than this is cut in the view (a whole file read, a long log). */
export const MAX_SHOWN = 20_000;

/** `text` cut to `max` characters, saying so. */
export function clip(text: string, max = MAX_SHOWN): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters not shown)`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Which argument of a tool names what it works on, in order of preference. */
const SUBJECTS: [key: string, label: string][] = [
  ['command', 'Command'],
  ['filePath', 'File'],
  ['path', 'Path'],
  ['pattern', 'Pattern'],
  ['url', 'URL'],
  ['query', 'Query'],
  ['description', 'Task'],
];

function statusOf(s: string | undefined): ToolStatus {
  return s === 'running' || s === 'completed' || s === 'error' ? s : 'pending';
}

/** A tool call part as the transcript shows it. */
export function toolView(p: PartView): ToolView {
  const input = p.input ?? {};
  const meta = p.metadata ?? {};
  const name = p.tool ?? 'tool';
  let subject: ToolView['subject'];
  for (const [key, label] of SUBJECTS) {
    const v = str(input[key]);
    if (v) {
      subject = { label, text: v };
      break;
    }
  }
  const command = str(input.command);
  const inputText = name === 'bash' && command ? command : Object.keys(input).length ? JSON.stringify(input, null, 2) : '';
  // A running shell command streams its output into the metadata.
  const output = str(p.output) ?? (p.status === 'running' ? str(meta.output) : undefined);
  const diffText = str(meta.diff);
  const diff = diffText ? parseUnifiedDiff(diffText) : undefined;
  const view: ToolView = {
    name,
    status: statusOf(p.status),
    input: clip(inputText),
    added: diff?.filter((l) => l.kind === 'add').length ?? 0,
    removed: diff?.filter((l) => l.kind === 'del').length ?? 0,
  };
  const title = str(p.title);
  if (title && title !== subject?.text) view.title = title;
  if (subject) view.subject = subject;
  if (name === 'todowrite' && Array.isArray(input.todos)) {
    // The list is the call's whole input, and its output repeats it.
    view.todos = todosFrom(input.todos);
    view.input = '';
  } else if (output !== undefined) view.output = clip(output);
  const error = str(p.error);
  if (error) view.error = error;
  if (diff?.length) view.diff = diff;
  return view;
}

/** The lines of a unified diff (as OpenCode's edit tool puts in
 *  `metadata.diff`: `Index:`/`===` header, `---`/`+++`, hunks). */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let inHunk = false;
  for (const line of diff.replace(/\r\n/g, '\n').split('\n')) {
    if (line.startsWith('@@')) {
      inHunk = true;
      out.push({ kind: 'hunk', text: line });
    } else if (!inHunk) {
      // Header: keep the file names, drop `Index:`, `===`, `diff --git` and the like.
      if (line.startsWith('--- ') || line.startsWith('+++ ')) out.push({ kind: 'file', text: line });
    } else if (line.startsWith('+')) out.push({ kind: 'add', text: line });
    else if (line.startsWith('-')) out.push({ kind: 'del', text: line });
    else if (line.startsWith(' ')) out.push({ kind: 'ctx', text: line });
    else if (line.startsWith('\\')) out.push({ kind: 'ctx', text: line });
    else if (line.startsWith('Index:') || line.startsWith('diff ')) {
      // The next file's header.
      inHunk = false;
    } else if (line === '') {
      // A trailing newline, or an empty context line some tools write without its space.
      continue;
    }
  }
  return out;
}
