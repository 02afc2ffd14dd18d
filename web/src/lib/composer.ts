// The composer's decisions, without DOM or Solid: which models and agents it
// offers, what it remembers per workspace, the `/command` and `@file`
// pop-ups, what a message sends, and the session list's search.
import { obj, str, type Json } from './json';
import type { Session } from './opencode';


export interface ModelOption {
  /** `providerID/modelID`: the option's value. */
  value: string;
  providerID: string;
  modelID: string;
  label: string;
}

/** The models of `GET /config/providers` (`{providers: [{id, name, models: {id: {name}}}], default}`), by provider then name. */
export function modelOptions(answer: unknown): ModelOption[] {
  const providers = obj(answer)?.providers;
  if (!Array.isArray(providers)) return [];
  const out: ModelOption[] = [];
  for (const p of providers) {
    const po = obj(p);
    const pid = str(po?.id);
    const models = obj(po?.models);
    if (!po || !pid || !models) continue;
    const pname = str(po.name) ?? pid;
    for (const [mid, m] of Object.entries(models)) {
      const mname = str(obj(m)?.name) ?? mid;
      out.push({ value: `${pid}/${mid}`, providerID: pid, modelID: mid, label: `${pname} · ${mname}` });
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** The workspace's configured model (`GET /config` → `model: "provider/model"`) if it is among `options`. */
export function configuredModel(config: unknown, options: ModelOption[]): string | undefined {
  const v = str(obj(config)?.model);
  return v && options.some((o) => o.value === v) ? v : undefined;
}

/** The agents a person picks from (`GET /agent`): primary ones (`mode` primary or all), not hidden. */
export function primaryAgents(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map(obj)
    .filter((a): a is Json => !!a && a.hidden !== true && (a.mode === 'primary' || a.mode === 'all') && typeof a.name === 'string')
    .map((a) => a.name as string);
}

export interface ComposerPrefs {
  model?: string;
  agent?: string;
}

export const prefsKey = (workspace: string) => `openwork.composer.${workspace}`;

/** The model and agent remembered for `workspace` (nothing on a bad entry). */
export function loadPrefs(store: Pick<Storage, 'getItem'>, workspace: string): ComposerPrefs {
  try {
    const v = obj(JSON.parse(store.getItem(prefsKey(workspace)) ?? 'null'));
    return { model: str(v?.model), agent: str(v?.agent) };
  } catch {
    return {};
  }
}

export function savePrefs(store: Pick<Storage, 'setItem'>, workspace: string, prefs: ComposerPrefs): void {
  try {
    store.setItem(prefsKey(workspace), JSON.stringify(prefs));
  } catch {
    /* storage full or refused: not remembered */
  }
}

/** A remembered choice if still offered, else the fallback (the engine's default, or the first). */
export function pick(remembered: string | undefined, offered: string[], fallback?: string): string {
  if (remembered && offered.includes(remembered)) return remembered;
  if (fallback && offered.includes(fallback)) return fallback;
  return offered[0] ?? '';
}

/** The request's `model` for a `providerID/modelID` value (the model id may hold slashes). */
export function modelRef(value: string): { providerID: string; modelID: string } | undefined {
  const i = value.indexOf('/');
  if (i <= 0 || i === value.length - 1) return undefined;
  return { providerID: value.slice(0, i), modelID: value.slice(i + 1) };
}

// ---- the open session, kept over a reload ------------------------------------
export const openKey = (workspace: string) => `openwork.open-session.${workspace}`;

/** Where the reader of a transcript is: the first message in view, and
 *  how far (px) its top is above the top of the view. Kept as a message,
 *  not as a scrollTop, so that it holds when the text above is drawn
 *  differently after a reload (Markdown, highlighting, another width). */
export interface ScrollAnchor {
  messageId: string;
  offset: number;
}

export interface OpenState {
  id: string;
  /** Where the reader was, or null when at the end (it follows new text). */
  scroll: ScrollAnchor | null;
}

export function loadOpen(store: Pick<Storage, 'getItem'>, workspace: string): OpenState | null {
  try {
    const v = obj(JSON.parse(store.getItem(openKey(workspace)) ?? 'null'));
    const id = str(v?.id);
    if (!id) return null;
    const a = obj(v?.scroll);
    const messageId = str(a?.messageId);
    const offset = a?.offset;
    return { id, scroll: messageId && typeof offset === 'number' && Number.isFinite(offset) ? { messageId, offset } : null };
  } catch {
    return null;
  }
}

export function saveOpen(store: Pick<Storage, 'setItem' | 'removeItem'>, workspace: string, state: OpenState | null): void {
  try {
    if (state) store.setItem(openKey(workspace), JSON.stringify(state));
    else store.removeItem(openKey(workspace));
  } catch {
    /* not remembered */
  }
}

// ---- pop-ups: `/command` and `@file` -------------------------------------------
export interface CommandInfo {
  name: string;
  description?: string;
  /** This page's own command (as OpenCode's TUI has them), not the workspace's. */
  builtin?: true;
}

/** The page's own commands, as in OpenCode's TUI (a workspace command of
 *  the same name wins). */
export const BUILTIN_COMMANDS: readonly CommandInfo[] = [
  { name: 'undo', description: 'Undo the last message and the file changes it made', builtin: true },
  { name: 'redo', description: 'Bring back what /undo took', builtin: true },
];

/** The commands the composer offers: the workspace's (`GET /command`) and the page's own. */
export function commandList(list: unknown): CommandInfo[] {
  const listed = (Array.isArray(list) ? list : [])
    .map(obj)
    .filter((c): c is Json => !!c && typeof c.name === 'string')
    .map((c) => ({ name: c.name as string, description: str(c.description) }));
  const own = BUILTIN_COMMANDS.filter((b) => !listed.some((c) => c.name === b.name));
  return [...listed, ...own].sort((a, b) => a.name.localeCompare(b.name));
}

/** The command name being typed: the text is `/name` (nothing after it yet), else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/([\w.:-]*)$/.exec(text);
  return m ? m[1]! : null;
}

/** Commands whose name starts with (then contains) `q`. */
export function filterCommands(cmds: CommandInfo[], q: string): CommandInfo[] {
  const l = q.toLowerCase();
  const starts = cmds.filter((c) => c.name.toLowerCase().startsWith(l));
  const has = cmds.filter((c) => !c.name.toLowerCase().startsWith(l) && c.name.toLowerCase().includes(l));
  return [...starts, ...has];
}

/** A message that runs a command: `/name args…` with `name` a known command. */
export function parseSlash(text: string, known: CommandInfo[]): { command: string; arguments: string } | null {
  const m = /^\/([\w.:-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m || !known.some((c) => c.name === m[1])) return null;
  return { command: m[1]!, arguments: (m[2] ?? '').trim() };
}

/** The `@word` being typed right before the caret: where its `@` is, and the word. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@]*)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** The text with the mention at `start` (up to `caret`) replaced by `@path `, and the caret after it. */
export function insertMention(text: string, start: number, caret: number, path: string): { text: string; caret: number } {
  const ins = `@${path} `;
  const rest = text.slice(caret).replace(/^\S*/, '').replace(/^ /, '');
  return { text: text.slice(0, start) + ins + rest, caret: start + ins.length };
}

/** Which of the `chosen` files the text still mentions (`@path` followed by a space, punctuation or the end). */
export function mentionedFiles(text: string, chosen: string[]): string[] {
  return [...new Set(chosen)].filter((p) => {
    const at = `@${p}`;
    for (let i = text.indexOf(at); i >= 0; i = text.indexOf(at, i + 1)) {
      const prev = i === 0 ? ' ' : text[i - 1]!;
      const next = text[i + at.length];
      if (/\s/.test(prev) && (next === undefined || /[\s,.;:!?)]/.test(next))) return true;
    }
    return false;
  });
}

/** `file://` URL of `rel` inside the workspace folder `dir` (POSIX or Windows). */
export function fileUrl(dir: string, rel: string): string {
  const base = dir.replace(/\\/g, '/').replace(/\/+$/, '');
  const full = `${base}/${rel.replace(/\\/g, '/').replace(/^\.?\/+/, '')}`;
  const path = full.startsWith('/') ? full : `/${full}`;
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The parts of a prompt: its text, then each mentioned file. */
export function promptParts(text: string, files: string[], dir: string | undefined): Json[] {
  const parts: Json[] = [{ type: 'text', text }];
  if (dir) for (const f of files) parts.push({ type: 'file', mime: 'text/plain', url: fileUrl(dir, f), filename: f.split('/').pop() ?? f });
  return parts;
}

/** A listbox's keys: the option to highlight, 'choose', 'close', or null (not ours). */
export function listboxKey(key: string, index: number, count: number): number | 'choose' | 'close' | null {
  switch (key) {
    case 'ArrowDown':
      return count ? (index + 1) % count : null;
    case 'ArrowUp':
      return count ? (index - 1 + count) % count : null;
    case 'Enter':
    case 'Tab':
      return count ? 'choose' : null;
    case 'Escape':
      return 'close';
    default:
      return null;
  }
}

// ---- the session list ---------------------------------------------------------
/** Sessions whose title contains every word of `q` (any case). */
export function filterSessions<S extends Session>(list: S[], q: string, title: (s: S) => string): S[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return list;
  return list.filter((s) => {
    const t = title(s).toLowerCase();
    return words.every((w) => t.includes(w));
  });
}
