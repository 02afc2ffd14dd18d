// OpenCode session model: a transcript built from `/event` messages.

export interface Session {
  id: string;
  title?: string;
  directory?: string;
  time?: { created?: number; updated?: number };
}

export interface PartView {
  id: string;
  type: string;
  text: string;
  tool?: string;
  status?: string;
}

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  parts: PartView[];
  error?: string;
  done: boolean;
}

export interface PermissionView {
  id: string;
  sessionID: string;
  title: string;
  patterns: string[];
}

export interface Transcript {
  sessionID: string;
  messages: MessageView[];
  busy: boolean;
  permissions: PermissionView[];
}

export function emptyTranscript(sessionID: string): Transcript {
  return { sessionID, messages: [], busy: false, permissions: [] };
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

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
  return {
    id,
    type,
    text: str(p.text) ?? '',
    tool: str(p.tool),
    status: state ? str(state.status) : undefined,
  };
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

/** Id prefix of an entry that shows a `session.error` not tied to a message. */
const SESSION_ERROR = 'session-error-';
const isSessionError = (m: MessageView) => m.id.startsWith(SESSION_ERROR);

/** Apply one OpenCode event (`{type, properties}`) to the transcript of the open session. */
export function applyEvent(t: Transcript, ev: { type?: string; properties?: unknown }): Transcript {
  const p = obj(ev.properties) ?? {};
  const sid = str(p.sessionID) ?? str(obj(p.info)?.sessionID) ?? str(obj(p.part)?.sessionID);
  if (sid !== t.sessionID) return t;
  switch (ev.type) {
    case 'message.updated': {
      const info = obj(p.info);
      const id = str(info?.id);
      if (!info || !id) return t;
      const role = info.role === 'user' ? 'user' : 'assistant';
      const [t2, m] = upsertMessage(t, id, role);
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
      const [t2, m] = upsertMessage(t, mid, 'assistant');
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
    case 'session.status': {
      const status = obj(p.status);
      return { ...t, busy: str(status?.type) === 'busy' || str(status?.type) === 'retry' };
    }
    case 'session.idle':
      return { ...t, busy: false };
    case 'permission.asked': {
      const id = str(p.id);
      if (!id || t.permissions.some((x) => x.id === id)) return t;
      const patterns = Array.isArray(p.patterns) ? p.patterns.filter((x): x is string => typeof x === 'string') : [];
      const title = str(p.permission) ?? 'permission';
      return { ...t, permissions: [...t.permissions, { id, sessionID: sid, title, patterns }] };
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

/** The pending permission requests of one session, from `GET /permission`
 *  (requests asked before the session was opened, or on another device). */
export function pendingPermissions(sessionID: string, list: unknown): PermissionView[] {
  if (!Array.isArray(list)) return [];
  const out: PermissionView[] = [];
  for (const item of list) {
    const o = obj(item);
    const id = str(o?.id);
    if (!o || !id || str(o.sessionID) !== sessionID) continue;
    const patterns = Array.isArray(o.patterns) ? o.patterns.filter((x): x is string => typeof x === 'string') : [];
    out.push({ id, sessionID, title: str(o.permission) ?? 'permission', patterns });
  }
  return out;
}

/** Visible text of a message (text parts only, in order). */
export function messageText(m: MessageView): string {
  return m.parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
}
