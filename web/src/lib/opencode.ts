// OpenCode session model: a transcript built from `/event` messages.
import { obj, str, type Json } from './json';

export interface Session {
  id: string;
  title?: string;
  directory?: string;
  /** A subagent's session (OpenCode's `task` tool) names its parent. */
  parentID?: string;
  /** Messages from `messageID` on are undone (`POST /session/:id/revert`);
   *  the next prompt drops them, `unrevert` brings them back. `snapshot`:
   *  the files were put back too (OpenCode snapshots a git project's files only). */
  revert?: { messageID: string; snapshot?: string };
  time?: { created?: number; updated?: number };
}

export interface PartView {
  id: string;
  type: string;
  text: string;
  /** OpenCode added it (file contents, reminders), not the person. */
  synthetic?: boolean;
  tool?: string;
  /** A tool call's `state.status`: pending, running, completed, error. */
  status?: string;
  /** A tool call's `state.input` (arguments: command, filePath, …). */
  input?: Record<string, unknown>;
  /** A tool call's `state.title`, `state.output`, `state.error`, `state.metadata`. */
  title?: string;
  output?: string;
  error?: string;
  metadata?: Record<string, unknown>;
}

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  parts: PartView[];
  error?: string;
  done: boolean;
  /** Shown at once when sent, until OpenCode echoes the message (it takes
   *  over the real id then). */
  optimistic?: boolean;
  /** A slash command sent from here (`/name args`): OpenCode's echo holds
   *  the command's template, not these words. */
  command?: boolean;
}

/** One item of the agent's todo list (OpenCode's `todowrite` tool). */
export interface TodoView {
  content: string;
  /** pending, in_progress, completed, cancelled (others shown as pending). */
  status: 'pending' | 'in_progress' | 'completed' | 'cancelled';
  priority?: string;
}

export interface PermissionView {
  id: string;
  sessionID: string;
  /** Asked in a subagent's session (OpenCode's `task` tool) of the open one. */
  subagent?: boolean;
  title: string;
  patterns: string[];
}

/** One question of a `question` tool call: pick one (or, `multiple`,
 *  several) of `options`, or (`custom`, OpenCode's default) type an answer. */
export interface QuestionInfo {
  question: string;
  header: string;
  options: { label: string; description: string }[];
  multiple: boolean;
  custom: boolean;
}

/** The agent asks the user (OpenCode's `question` tool); the session waits for the answers. */
export interface QuestionView {
  id: string;
  sessionID: string;
  questions: QuestionInfo[];
}

export interface Transcript {
  sessionID: string;
  messages: MessageView[];
  busy: boolean;
  permissions: PermissionView[];
  /** The agent's todo list, as OpenCode last wrote it (`todo.updated`, `GET /session/:id/todo`). */
  todos: TodoView[];
  /** Questions waiting for the user's answers (`question.asked`, `GET /question`). */
  questions: QuestionView[];
  /** Messages OpenCode deleted (`message.removed`, a prompt past an undo): a
   *  listing read before that does not bring them back. */
  gone: string[];
}

export function emptyTranscript(sessionID: string): Transcript {
  return { sessionID, messages: [], busy: false, permissions: [], todos: [], questions: [], gone: [] };
}


function upsertMessage(t: Transcript, id: string, role: 'user' | 'assistant'): [Transcript, MessageView] {
  const existing = t.messages.find((m) => m.id === id);
  if (existing) return [t, existing];
  const m: MessageView = { id, role, parts: [], done: false };
  return [{ ...t, messages: [...t.messages, m] }, m];
}

function replaceMessage(t: Transcript, m: MessageView): Transcript {
  return { ...t, messages: t.messages.map((x) => (x.id === m.id ? m : x)) };
}

function partFrom(p: Json): PartView | null {
  const id = str(p.id);
  const type = str(p.type);
  if (!id || !type) return null;
  const state = obj(p.state);
  const view: PartView = { id, type, text: str(p.text) ?? '' };
  if (p.synthetic === true) view.synthetic = true;
  const tool = str(p.tool);
  if (tool) view.tool = tool;
  if (state) {
    const status = str(state.status);
    if (status) view.status = status;
    const input = obj(state.input);
    if (input) view.input = input;
    for (const k of ['title', 'output', 'error'] as const) {
      const v = str(state[k]);
      if (v !== undefined) view[k] = v;
    }
    const metadata = obj(state.metadata);
    if (metadata) view.metadata = metadata;
  }
  return view;
}

/** Messages as listed by `GET /session/:id/message` (`[{info, parts}]`). */
export function transcriptFromList(sessionID: string, list: unknown): Transcript {
  let t = emptyTranscript(sessionID);
  if (!Array.isArray(list)) return t;
  for (const item of list) {
    const o = obj(item);
    const info = obj(o?.info);
    const id = str(info?.id);
    if (!info || !id) continue;
    const role = info.role === 'user' ? 'user' : 'assistant';
    const parts = (Array.isArray(o?.parts) ? o.parts : []).map((p) => partFrom(obj(p) ?? {})).filter((p): p is PartView => p !== null);
    const time = obj(info.time);
    const done = role === 'user' || time?.completed !== undefined;
    t = { ...t, messages: [...t.messages, { id, role, parts, done, error: errorText(info.error) }] };
  }
  return t;
}

function errorText(e: unknown): string | undefined {
  const o = obj(e);
  if (!o) return undefined;
  const data = obj(o.data);
  return str(data?.message) ?? str(o.name) ?? 'error';
}

/** Id prefix of a message shown before OpenCode has it (sent from here). */
const OPTIMISTIC = 'local-';
let optimisticSeq = 0;

/** The transcript with the user's message `text` shown at once, before
 *  OpenCode has it; and that entry's id (to take it back on a failed send).
 *  `command`: `text` is a slash command (`/name args`). */
export function addOptimistic(t: Transcript, text: string, command = false): [Transcript, string] {
  const id = `${OPTIMISTIC}${++optimisticSeq}`;
  const m: MessageView = { id, role: 'user', parts: [{ id: `${id}-text`, type: 'text', text }], done: true, optimistic: true };
  if (command) m.command = true;
  return [{ ...t, messages: [...t.messages, m] }, id];
}

/** The transcript without the optimistic entry `id` (its send failed). */
export function dropOptimistic(t: Transcript, id: string): Transcript {
  return t.messages.some((m) => m.id === id) ? { ...t, messages: t.messages.filter((m) => m.id !== id) } : t;
}

/** The optimistic entries of `prev` not echoed yet, kept on top of a
 *  transcript reloaded from OpenCode (`next`), in their order. A message is
 *  echoed when `next` has a user message with its text; a slash command
 *  (whose echo is its template) when `next` has a user message `prev` did not. */
export function keepOptimistic(next: Transcript, prev: Transcript | null): Transcript {
  if (!prev || prev.sessionID !== next.sessionID) return next;
  const known = new Set(prev.messages.map((m) => m.id));
  const users = next.messages.filter((m) => m.role === 'user');
  const echoed = new Set(users.map(messageText));
  let newUsers = users.filter((m) => !known.has(m.id) && !prev.messages.some((p) => p.optimistic && !p.command && messageText(p) === messageText(m))).length;
  const ids = new Set(next.messages.map((m) => m.id));
  const still = prev.messages.filter((m) => {
    if (!m.optimistic || ids.has(m.id)) return false;
    if (!m.command) return !echoed.has(messageText(m));
    if (newUsers > 0) {
      newUsers -= 1;
      return false;
    }
    return true;
  });
  return still.length ? { ...next, messages: [...next.messages, ...still] } : next;
}

const STATUS_RANK: Record<string, number> = { pending: 0, running: 1, completed: 2, error: 2 };

/** Of two versions of one part, the later one: a text only grows while it
 *  streams, a tool call only moves on (pending → running → completed/error). */
function laterPart(listed: PartView, live: PartView): PartView {
  const rank = (p: PartView) => STATUS_RANK[p.status ?? ''] ?? 0;
  if (rank(live) !== rank(listed)) return rank(live) > rank(listed) ? live : listed;
  return live.text.length >= listed.text.length ? live : listed;
}

/** A listing of the session (`GET /session/:id/message`, `listed`) merged
 *  with what events brought meanwhile (`live`): the listing may have been
 *  read before an event was applied (a message stored before its parts, a
 *  text still streaming), so for each part the later version wins, parts
 *  and messages only events brought are kept, and messages sent from here
 *  and not echoed yet stay (`keepOptimistic`). */
export function mergeListing(listed: Transcript, live: Transcript | null): Transcript {
  if (!live || live.sessionID !== listed.sessionID) return listed;
  const liveById = new Map(live.messages.map((m) => [m.id, m]));
  const gone = new Set(live.gone);
  const messages = listed.messages.filter((m) => !gone.has(m.id)).map((m) => {
    const l = liveById.get(m.id);
    if (!l || l.optimistic) return m;
    const parts = m.parts.map((p) => {
      const lp = l.parts.find((x) => x.id === p.id);
      return lp ? laterPart(p, lp) : p;
    });
    const extra = l.parts.filter((x) => !m.parts.some((p) => p.id === x.id));
    return { ...m, parts: [...parts, ...extra], done: m.done || l.done, error: m.error ?? l.error };
  });
  const listedIds = new Set(listed.messages.map((m) => m.id));
  // OpenCode's ids sort by time: a message only events know that is newer
  // than the listing came after it was read (an older one was deleted meanwhile).
  const last = listed.messages.at(-1)?.id ?? '';
  const onlyLive = live.messages.filter((m) => !listedIds.has(m.id) && !m.optimistic && (isSessionError(m) || m.id > last));
  return keepOptimistic({ ...listed, messages: [...messages, ...onlyLive], gone: live.gone }, live);
}

/** OpenCode now has a user message `id` we did not know: it is the echo of
 *  the oldest optimistic entry (or of `which`), which takes over that id, in
 *  place. It shows the sent text until its first real part arrives. */
function adoptOptimistic(t: Transcript, id: string, which?: string): Transcript {
  if (t.messages.some((m) => m.id === id)) return t;
  const pending = t.messages.find((m) => m.optimistic && (which === undefined || m.id === which));
  if (!pending) return t;
  return { ...t, messages: t.messages.map((m) => (m === pending ? { ...m, id } : m)) };
}

/** Id prefix of an entry that shows a `session.error` not tied to a message. */
const SESSION_ERROR = 'session-error-';
const isSessionError = (m: MessageView) => m.id.startsWith(SESSION_ERROR);

const NONE: ReadonlySet<string> = new Set();

/** Events about the prompts (permissions, questions) the open session waits on. */
const PROMPT_EVENTS = new Set(['permission.asked', 'permission.replied', 'question.asked', 'question.replied', 'question.rejected']);

/** Apply one OpenCode event (`{type, properties}`) to the transcript of the
 *  open session. `subagents`: the sessions of its subagents (OpenCode's
 *  `task` tool), whose permission requests and questions the open session waits on. */
export function applyEvent(t: Transcript, ev: { type?: string; properties?: unknown }, subagents: ReadonlySet<string> = NONE): Transcript {
  const p = obj(ev.properties) ?? {};
  const sid = str(p.sessionID) ?? str(obj(p.info)?.sessionID) ?? str(obj(p.part)?.sessionID);
  if (sid !== t.sessionID && !(sid && subagents.has(sid) && PROMPT_EVENTS.has(ev.type ?? ''))) return t;
  // A late update of a message OpenCode deleted does not bring it back.
  const about = str(obj(p.info)?.id) ?? str(obj(p.part)?.messageID) ?? str(p.messageID);
  if (about && ev.type !== 'message.removed' && t.gone.includes(about)) return t;
  switch (ev.type) {
    case 'message.updated': {
      const info = obj(p.info);
      const id = str(info?.id);
      if (!info || !id) return t;
      const role = info.role === 'user' ? 'user' : 'assistant';
      // A command's echo whose text (its template) came before its info:
      // it is already here (as a placeholder), so the command shown meanwhile goes.
      const placeholder = role === 'user' && t.messages.some((x) => x.id === id && x.role === 'assistant' && !x.done);
      const pendingCommand = placeholder ? t.messages.find((x) => x.optimistic && x.command) : undefined;
      const t1 = pendingCommand ? { ...t, messages: t.messages.filter((x) => x !== pendingCommand) } : t;
      const [t2, m] = upsertMessage(role === 'user' ? adoptOptimistic(t1, id) : t1, id, role);
      const time = obj(info.time);
      const done = role === 'user' || time?.completed !== undefined;
      const error = errorText(info.error) ?? m.error;
      const t3 = replaceMessage(t2, { ...m, role, done, error });
      // The message now carries the error a `session.error` may have shown on its own.
      return error ? { ...t3, messages: t3.messages.filter((x) => !(isSessionError(x) && x.error === error)) } : t3;
    }
    case 'message.part.updated': {
      const raw = obj(p.part);
      const part = raw ? partFrom(raw) : null;
      const mid = str(raw?.messageID);
      if (!part || !mid) return t;
      // The echo of a message sent from here may bring its text before its info.
      const known = t.messages.some((x) => x.id === mid);
      const pending = !known && part.type === 'text' ? t.messages.find((x) => x.optimistic && messageText(x) === part.text) : undefined;
      const [t2, m] = upsertMessage(pending ? adoptOptimistic(t, mid, pending.id) : t, mid, 'assistant');
      // The first real part of an echoed message replaces the text shown meanwhile.
      if (m.optimistic) return replaceMessage(t2, { ...m, optimistic: false, command: undefined, parts: [part] });
      const parts = m.parts.some((x) => x.id === part.id) ? m.parts.map((x) => (x.id === part.id ? part : x)) : [...m.parts, part];
      return replaceMessage(t2, { ...m, parts });
    }
    case 'message.part.delta': {
      const mid = str(p.messageID);
      const pid = str(p.partID);
      const delta = str(p.delta) ?? '';
      if (!mid || !pid || str(p.field) !== 'text') return t;
      const [t2, m] = upsertMessage(t, mid, 'assistant');
      const has = m.parts.some((x) => x.id === pid);
      const parts = has
        ? m.parts.map((x) => (x.id === pid ? { ...x, text: x.text + delta } : x))
        : [...m.parts, { id: pid, type: 'text', text: delta }];
      return replaceMessage(t2, { ...m, parts });
    }
    case 'message.removed': {
      const mid = str(p.messageID);
      if (!mid) return t;
      return { ...t, messages: t.messages.filter((m) => m.id !== mid), gone: t.gone.includes(mid) ? t.gone : [...t.gone, mid] };
    }
    case 'message.part.removed': {
      const mid = str(p.messageID);
      const pid = str(p.partID);
      const m = t.messages.find((x) => x.id === mid);
      if (!m || !m.parts.some((x) => x.id === pid)) return t;
      return replaceMessage(t, { ...m, parts: m.parts.filter((x) => x.id !== pid) });
    }
    case 'session.status': {
      const status = obj(p.status);
      return { ...t, busy: str(status?.type) === 'busy' || str(status?.type) === 'retry' };
    }
    case 'session.idle':
      return { ...t, busy: false };
    case 'todo.updated':
      return { ...t, todos: todosFrom(p.todos) };
    case 'question.asked': {
      const q = questionFrom(p);
      if (!q || t.questions.some((x) => x.id === q.id)) return t;
      return { ...t, questions: [...t.questions, q] };
    }
    case 'question.replied':
    case 'question.rejected': {
      const rid = str(p.requestID);
      return { ...t, questions: t.questions.filter((x) => x.id !== rid) };
    }
    case 'permission.asked': {
      const view = permissionFrom(p, t.sessionID);
      if (!view || t.permissions.some((x) => x.id === view.id)) return t;
      return { ...t, permissions: [...t.permissions, view] };
    }
    case 'permission.replied': {
      const rid = str(p.requestID);
      return { ...t, permissions: t.permissions.filter((x) => x.id !== rid) };
    }
    case 'session.error': {
      const err = errorText(p.error);
      if (!err) return t;
      // Shown once: not again when the last assistant message already says it (an abort).
      const last = [...t.messages].reverse().find((m) => m.role === 'assistant');
      if (last?.error === err) return { ...t, busy: false };
      const id = `${SESSION_ERROR}${t.messages.length}`;
      return { ...t, busy: false, messages: [...t.messages, { id, role: 'assistant', parts: [], error: err, done: true }] };
    }
    default:
      return t;
  }
}

/** The pending permission requests of one session and its subagents', from
 *  `GET /permission` (requests asked before the session was opened, or on another device). */
export function pendingPermissions(sessionID: string, list: unknown, subagents: ReadonlySet<string> = NONE): PermissionView[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => { const o = obj(item); return o ? permissionFrom(o, sessionID) : null; })
    .filter((p): p is PermissionView => p !== null && (p.sessionID === sessionID || subagents.has(p.sessionID)));
}

/** A permission request (`permission.asked` properties, an item of `GET
 *  /permission`) as shown in the open session `openID`; null when it is not one. */
function permissionFrom(o: Json, openID: string): PermissionView | null {
  const id = str(o.id);
  const sessionID = str(o.sessionID);
  if (!id || !sessionID) return null;
  const patterns = Array.isArray(o.patterns) ? o.patterns.filter((x): x is string => typeof x === 'string') : [];
  const view: PermissionView = { id, sessionID, title: str(o.permission) ?? 'permission', patterns };
  if (sessionID !== openID) view.subagent = true;
  return view;
}

/** A question request (`question.asked` properties, an item of `GET /question`); null when it is not one. */
function questionFrom(o: Json): QuestionView | null {
  const id = str(o.id);
  const sessionID = str(o.sessionID);
  if (!id || !sessionID || !Array.isArray(o.questions)) return null;
  const questions: QuestionInfo[] = [];
  for (const item of o.questions) {
    const q = obj(item);
    const question = str(q?.question);
    if (!q || !question) continue;
    const options = (Array.isArray(q.options) ? q.options : [])
      .map(obj)
      .filter((x): x is Json => !!x && typeof x.label === 'string' && x.label.trim() !== '')
      .map((x) => ({ label: x.label as string, description: str(x.description) ?? '' }));
    questions.push({ question, header: str(q.header) ?? '', options, multiple: q.multiple === true, custom: q.custom !== false });
  }
  return questions.length ? { id, sessionID, questions } : null;
}

/** The questions waiting in one session and its subagents', from `GET /question`. */
export function pendingQuestions(sessionID: string, list: unknown, subagents: ReadonlySet<string> = NONE): QuestionView[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => { const o = obj(item); return o ? questionFrom(o) : null; })
    .filter((q): q is QuestionView => q !== null && (q.sessionID === sessionID || subagents.has(q.sessionID)));
}

/** `listed` with each item that `kept` already has (same id) taken from
 *  `kept`, so that what is drawn for it (a half-answered question) stays. */
export function keepSame<T extends { id: string }>(listed: T[], kept: readonly T[]): T[] {
  return listed.map((x) => kept.find((k) => k.id === x.id) ?? x);
}

/** The sessions of the subagents of `sessionID` (and theirs), from a session listing. */
export function subagentSessions(sessionID: string, all: readonly Session[]): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (s.parentID && !out.has(s.id) && (s.parentID === sessionID || out.has(s.parentID))) {
        out.add(s.id);
        grew = true;
      }
    }
  }
  return out;
}

/** In a question's picks: "my own answer" (the typed text) is picked. */
export const OWN_ANSWER = '\u0000own';

/** The `answers` of a question reply: per question, the picked labels (in
 *  the options' order) and the typed answer when "my own answer" is picked;
 *  one answer for a single-choice question. Null while a question has none. */
export function questionAnswers(qs: QuestionInfo[], picked: string[][], typed: string[]): string[][] | null {
  const answers = qs.map((q, i) => {
    const p = picked[i] ?? [];
    const labels = q.options.filter((o) => p.includes(o.label)).map((o) => o.label);
    const own = q.custom && p.includes(OWN_ANSWER) ? (typed[i] ?? '').trim() : '';
    const all = own ? [...labels, own] : labels;
    return q.multiple ? all : all.slice(0, 1);
  });
  return answers.every((a) => a.length > 0) ? answers : null;
}

const TODO_STATUS = new Set(['pending', 'in_progress', 'completed', 'cancelled']);

/** The agent's todo list from OpenCode's `Todo[]` (`GET /session/:id/todo`,
 *  `todo.updated`, the `todowrite` tool's input); items without content are left out. */
export function todosFrom(list: unknown): TodoView[] {
  if (!Array.isArray(list)) return [];
  const out: TodoView[] = [];
  for (const item of list) {
    const o = obj(item);
    const content = str(o?.content)?.trim();
    if (!o || !content) continue;
    const status = str(o.status) ?? '';
    const todo: TodoView = { content, status: TODO_STATUS.has(status) ? (status as TodoView['status']) : 'pending' };
    const priority = str(o.priority);
    if (priority) todo.priority = priority;
    out.push(todo);
  }
  return out;
}

/** How a todo's status is said (next to its mark, and to a screen reader). */
export const TODO_STATUS_TEXT: Record<TodoView['status'], string> = {
  pending: 'to do',
  in_progress: 'in progress',
  completed: 'done',
  cancelled: 'cancelled',
};

/** "2 of 5 done" (cancelled items are not counted as work left). */
export function todoSummary(todos: TodoView[]): string {
  const counted = todos.filter((t) => t.status !== 'cancelled');
  return `${counted.filter((t) => t.status === 'completed').length} of ${counted.length} done`;
}

/** Whether the agent still has work on its list. */
export const todosOpen = (todos: TodoView[]): boolean => todos.some((t) => t.status === 'pending' || t.status === 'in_progress');

// ---- undo and redo (OpenCode's revert) ------------------------------------------

/** Where the undone messages start, or -1. */
const revertIndex = (t: Transcript, revert: Session['revert']) => (revert ? t.messages.findIndex((m) => m.id === revert.messageID) : -1);

/** The messages shown: those before the revert point (all when nothing is
 *  undone), and what is being sent from here (a message after an undo). */
export function shownMessages(t: Transcript, revert: Session['revert']): MessageView[] {
  const i = revertIndex(t, revert);
  return i < 0 ? t.messages : [...t.messages.slice(0, i), ...t.messages.slice(i).filter((m) => m.optimistic)];
}

/** How many of your messages an undo hides (each with the replies to it). */
export function undoneCount(t: Transcript, revert: Session['revert']): number {
  const i = revertIndex(t, revert);
  return i < 0 ? 0 : t.messages.slice(i).filter((m) => m.role === 'user' && !m.optimistic).length;
}

/** The transcript without what is undone (after a message was sent past an
 *  undo: OpenCode drops those messages too). */
export function dropUndone(t: Transcript, revert: Session['revert']): Transcript {
  const i = revertIndex(t, revert);
  if (i < 0) return t;
  const dropped = t.messages.slice(i).filter((m) => !m.optimistic).map((m) => m.id);
  return { ...t, messages: shownMessages(t, revert), gone: [...t.gone, ...dropped] };
}

/** What /undo reverts to: the last message you sent that is still shown (null: nothing to undo). */
export function undoTarget(t: Transcript, revert: Session['revert']): MessageView | null {
  return [...shownMessages(t, revert)].reverse().find((m) => m.role === 'user' && !m.optimistic) ?? null;
}

/** What /redo does: move the revert point to the next message you sent
 *  (one step, as OpenCode's TUI does), or bring everything back; null when nothing is undone. */
export function redoTarget(t: Transcript, revert: Session['revert']): { messageID: string } | 'unrevert' | null {
  if (!revert) return null;
  const i = t.messages.findIndex((m) => m.id === revert.messageID);
  if (i < 0) return 'unrevert';
  const next = t.messages.slice(i + 1).find((m) => m.role === 'user' && !m.optimistic);
  return next ? { messageID: next.id } : 'unrevert';
}

/** Visible text of a message (text parts only, in order). */
export function messageText(m: MessageView): string {
  return m.parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/** OpenCode's own title of a session nobody named yet: `New session - <ISO
 *  date>` (`Child session - …` for a subagent's). */
const DEFAULT_TITLE = /^(New|Child) session - \d{4}-\d{2}-\d{2}T[\d:.]+Z?$/;

/** The title to show for a session: its own, or "Untitled session". */
export function sessionTitle(s: Session): string {
  const title = s.title?.trim();
  return title && !DEFAULT_TITLE.test(title) ? title : 'Untitled session';
}
