import { createSignal, For, Show, onCleanup, onMount, createEffect, on, createMemo, untrack } from 'solid-js';
import { permissionAnnouncement, questionAnnouncement } from '../lib/a11y';
import { remote, type Transport } from '../lib/api';
import { composerKey, readableError, relativeTime } from '../lib/chat';
import {
  commandList, configuredModel, filterCommands, filterSessions, insertMention, listboxKey, loadOpen, loadPrefs, mentionAt, mentionedFiles, modelOptions,
  modelRef, parseSlash, pick, primaryAgents, promptParts, saveOpen, savePrefs, slashQuery, type CommandInfo, type ModelOption, type ScrollAnchor,
} from '../lib/composer';
import { Confirm } from './Confirm';
import {
  addOptimistic, applyEvent, dropOptimistic, emptyTranscript, mergeListing, pendingPermissions, pendingQuestions, redoTarget, sessionTitle, shownMessages, todosFrom, transcriptFromList, undoneCount, undoTarget,
  messageText, dropUndone, keepSame, subagentSessions,
  type QuestionView, type Session, type Transcript,
} from '../lib/opencode';
import { preloadMarkdown, TodoPanel, TranscriptView } from './Transcript';
import { NoModel } from './NoModel';
import { QuestionPrompt } from './Question';
import { keepTabInside } from './focus';

export interface SessionsProps {
  transport: Transport;
  /** Changes when the workspace (or connection) changes: start over. */
  epoch: number;
  /** The workspace's id: what the composer and the open session are remembered under. */
  workspaceKey: string;
  /** Changes when the same workspace changed under us (config, engine
   *  restart, reconnect): reload in place, keep the open session. */
  refresh: number;
  /** Register for OpenCode events; returns an unsubscribe function. */
  subscribe: (fn: (ev: { type?: string; properties?: unknown }) => void) => () => void;
}

/** Sessions: list, create, open, prompt with a live streamed answer, permissions, abort. */
export function Sessions(props: SessionsProps) {
  /** Every session of the folder, subagents' too (as OpenCode lists them). */
  const [allSessions, setSessions] = createSignal<Session[]>([]);
  /** The sessions listed: not a subagent's (part of its parent's work), the latest first. */
  const sessions = createMemo(() => allSessions().filter((x) => !x.parentID).sort((a, b) => (b.time?.updated ?? 0) - (a.time?.updated ?? 0)));
  const [open, setOpen] = createSignal<Transcript | null>(null);
  const [prompt, setPrompt] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [sendError, setSendError] = createSignal<string | null>(null);
  /** The engine has no usable model: nothing is sent into the void. */
  const [noModel, setNoModel] = createSignal(false);
  /** Bumped when the transcript must go to its end (the user sent a message). */
  const [follow, setFollow] = createSignal(0);
  /** The clock of the "5 minutes ago" lines. */
  const [now, setNow] = createSignal(Date.now());
  const clock = window.setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => window.clearInterval(clock));
  preloadMarkdown();
  // ---- composer choices: model and agent, remembered per workspace ----------
  const [models, setModels] = createSignal<ModelOption[]>([]);
  const [agents, setAgents] = createSignal<string[]>([]);
  const [model, setModel] = createSignal('');
  const [agent, setAgent] = createSignal('');
  const [commands, setCommands] = createSignal<CommandInfo[]>([]);
  const [dir, setDir] = createSignal<string | undefined>(undefined);
  const remember = () => savePrefs(localStorage, props.workspaceKey, { model: model() || undefined, agent: agent() || undefined });
  // ---- the session list: search, rename, delete, drawer on phones -----------
  const [query, setQuery] = createSignal('');
  const [renaming, setRenaming] = createSignal<string | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal<Session | null>(null);
  const [drawer, setDrawer] = createSignal(false);
  let drawerPanel: HTMLDivElement | undefined;
  let drawerButton: HTMLButtonElement | undefined;
  /** Close the phone's session drawer; the focus goes to `to` (the drawer
   *  button by default; the composer after a session was picked). */
  const closeDrawer = (to?: () => HTMLElement | null | undefined) => {
    if (!drawer()) return;
    setDrawer(false);
    queueMicrotask(() => ((to?.() ?? drawerButton) as HTMLElement | undefined)?.focus());
  };
  // Opened: the focus moves in (to its heading: no keyboard pops up on a phone).
  createEffect(on(drawer, (isOpen) => {
    if (isOpen) queueMicrotask(() => drawerPanel?.querySelector<HTMLElement>('h2')?.focus());
  }, { defer: true }));
  // Wider than a phone (rotated, resized): no drawer any more.
  const phoneLayout = window.matchMedia?.('(max-width: 700px)');
  const onLayout = () => { if (!phoneLayout?.matches) setDrawer(false); };
  phoneLayout?.addEventListener('change', onLayout);
  onCleanup(() => phoneLayout?.removeEventListener('change', onLayout));
  /** The drawer is a modal overlay: Escape closes it, Tab stays inside. */
  const drawerKey = (e: KeyboardEvent) => {
    if (!drawer() || !drawerPanel || e.defaultPrevented) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      closeDrawer();
      return;
    }
    keepTabInside(drawerPanel, e);
  };
  const shown = createMemo(() => filterSessions(sessions(), query(), sessionTitle));
  const shownIds = createMemo(() => shown().map((x) => x.id));
  const byId = createMemo(() => new Map(sessions().map((x) => [x.id, x])));
  /** A scroll position to restore once the reopened session is shown. */
  const [restore, setRestore] = createSignal<{ sessionID: string; anchor: ScrollAnchor } | null>(null);
  /** The session to reopen after a reload (once per epoch). */
  let reopen: string | null = null;
  const oc = (path: string, init?: { method?: string; body?: unknown }) => remote<unknown>(props.transport, `/opencode${path}`, init);

  const loadChoices = async () => {
    const [prov, config, ags, cmds, path] = await Promise.all([
      oc('/config/providers').catch(() => null),
      oc('/config').catch(() => null),
      oc('/agent').catch(() => []),
      oc('/command').catch(() => []),
      oc('/path').catch(() => null),
    ]);
    const opts = modelOptions(prov);
    const names = primaryAgents(ags);
    const prefs = loadPrefs(localStorage, props.workspaceKey);
    setModels(opts);
    setAgents(names);
    // '' is the engine's own choice (nothing sent): no model is forced on it.
    setModel(pick(prefs.model, ['', ...opts.map((o) => o.value)], configuredModel(config, opts) ?? ''));
    setAgent(pick(prefs.agent, names, names.includes('build') ? 'build' : undefined));
    setCommands(commandList(cmds));
    const d = (path as { directory?: unknown } | null)?.directory;
    setDir(typeof d === 'string' ? d : undefined);
  };

  /** Listings answer in any order: only the latest one asked counts. */
  let loadSeq = 0;
  /** A prompt came from a session not listed yet (a subagent just started):
   *  once the list is in, the prompts are read again with its subagents known. */
  let promptsAfterLoad = false;
  const load = async () => {
    const seq = ++loadSeq;
    try {
      const list = (await oc('/session')) as Session[];
      if (seq !== loadSeq) return;
      setSessions(Array.isArray(list) ? list : []);
      setError(null);
      if (promptsAfterLoad) {
        promptsAfterLoad = false;
        void refreshPrompts();
      }
      if (reopen && !open()) {
        const s = list.find((x) => x.id === reopen);
        reopen = null;
        if (s) void openSession(s);
      }
    } catch (e) {
      setError(readableError(e, 'list the sessions'));
    }
  };
  // A new epoch is another workspace or connection: never show the old list meanwhile.
  createEffect(on(() => props.epoch, () => {
    setOpen(null);
    setSessions([]);
    const saved = loadOpen(sessionStorage, props.workspaceKey);
    reopen = saved?.id ?? null;
    setRestore(saved?.scroll ? { sessionID: saved.id, anchor: saved.scroll } : null);
    void load();
    void loadChoices();
  }));
  // Same workspace, changed under us: reload the list, catch the open
  // session up (events may have been missed); what is open stays open.
  createEffect(on(() => props.refresh, () => {
    void load();
    void loadChoices();
    const t = open();
    if (t) void resync(t.sessionID);
  }, { defer: true }));

  /** The open session's subagents' sessions: their permission requests and questions are shown with it. */
  const subagents = createMemo(() => {
    const id = open()?.sessionID;
    return id ? subagentSessions(id, allSessions()) : new Set<string>();
  });
  /** Prompts answered (here, or seen answered): a listing asked before the answer does not bring them back. */
  const resolvedPrompts = new Set<string>();
  const unresolved = <T extends { id: string }>(list: T[]) => list.filter((x) => !resolvedPrompts.has(x.id));
  /** The waiting prompts of the open session (and its subagents) from OpenCode's lists. */
  /** OpenCode's lists of waiting permission requests and questions (null: not read). */
  const readPrompts = () => Promise.all([oc('/permission').catch(() => null), oc('/question').catch(() => null)]);
  /** Session `id` as OpenCode has it: its messages (a failure throws), the
   *  waiting prompts and its todo list (null: not read). */
  const readSession = async (id: string) => {
    const [msgs, [asked, questions], todos] = await Promise.all([
      oc(`/session/${encodeURIComponent(id)}/message`),
      readPrompts(),
      oc(`/session/${encodeURIComponent(id)}/todo`).catch(() => null),
    ]);
    return { msgs, asked, questions, todos };
  };
  const refreshPrompts = async () => {
    const [asked, questions] = await readPrompts();
    const t = open();
    if (!t) return;
    setOpen({
      ...t,
      permissions: asked === null ? t.permissions : keepSame(unresolved(pendingPermissions(t.sessionID, asked, subagents())), t.permissions),
      questions: questions === null ? t.questions : keepSame(unresolved(pendingQuestions(t.sessionID, questions, subagents())), t.questions),
    });
  };
  const unsubscribe = props.subscribe((ev) => {
    const props_ = (ev.properties ?? {}) as { requestID?: unknown; sessionID?: unknown };
    if ((ev.type === 'permission.replied' || ev.type === 'question.replied' || ev.type === 'question.rejected') && typeof props_.requestID === 'string') {
      resolvedPrompts.add(props_.requestID);
    }
    const t = open();
    if (t) setOpen(applyEvent(t, ev, subagents()));
    // A prompt of a session not known yet (a subagent just started): list the sessions, then the prompts.
    if (t && (ev.type === 'permission.asked' || ev.type === 'question.asked') && typeof props_.sessionID === 'string'
      && props_.sessionID !== t.sessionID && !subagents().has(props_.sessionID) && !allSessions().some((x) => x.id === props_.sessionID)) {
      promptsAfterLoad = true;
      void load();
    }
    if (ev.type === 'session.updated') {
      // The session as it is now (a title, an undo): at once, before the list is reloaded.
      const info = (ev.properties as { info?: Session } | undefined)?.info;
      if (info && typeof info.id === 'string') setSessions((all) => all.map((x) => (x.id === info.id ? info : x)));
    }
    if (ev.type === 'session.updated' || ev.type === 'session.created') void load();
  });
  /** What is undone in the open session (its revert point), if anything. */
  const openRevert = () => sessions().find((x) => x.id === open()?.sessionID)?.revert;
  onCleanup(unsubscribe);

  const openSession = async (s: Session) => {
    closeDrawer(() => document.getElementById('prompt'));
    if (open()?.sessionID !== s.id) {
      setOpen(emptyTranscript(s.id));
      setSendError(null);
      setPopup(null);
      const saved = loadOpen(sessionStorage, props.workspaceKey);
      if (saved?.id !== s.id) saveOpen(sessionStorage, props.workspaceKey, { id: s.id, scroll: null });
    }
    try {
      const { msgs, asked, todos, questions } = await readSession(s.id);
      // Another session was opened meanwhile: its own read shows it.
      if (open()?.sessionID !== s.id) return;
      // Events that arrived meanwhile are re-derived by the next updates;
      // permissions and questions asked before the session was opened come from the lists.
      const t = transcriptFromList(s.id, msgs);
      const now = open();
      // Listed ones (the same objects if already shown), then any that came by event meanwhile.
      const merge = <T extends { id: string }>(listed: T[], live: readonly T[] = []) => {
        const kept = keepSame(unresolved(listed), live);
        return [...kept, ...live.filter((p) => !kept.some((q) => q.id === p.id))];
      };
      const helpers = subagentSessions(s.id, allSessions());
      setOpen({
        ...mergeListing(t, open()),
        permissions: merge(pendingPermissions(s.id, asked, helpers), now?.permissions),
        questions: merge(pendingQuestions(s.id, questions, helpers), now?.questions),
        todos: todosFrom(todos),
      });
    } catch (e) {
      setError(readableError(e, 'open the session'));
    }
  };

  /** Catch the open session up from OpenCode, keeping it open. */
  const resync = async (id: string) => {
    try {
      const { msgs, asked, todos, questions } = await readSession(id);
      const cur = open();
      if (cur?.sessionID !== id) return;
      const t = transcriptFromList(id, msgs);
      setOpen({
        ...mergeListing(t, cur),
        busy: cur.busy && !t.messages.at(-1)?.done,
        permissions: asked === null ? cur.permissions : keepSame(unresolved(pendingPermissions(id, asked, subagents())), cur.permissions),
        todos: todos === null ? cur.todos : todosFrom(todos),
        questions: questions === null ? cur.questions : keepSame(unresolved(pendingQuestions(id, questions, subagents())), cur.questions),
      });
    } catch {
      /* keep what is shown; the next event or refresh catches up */
    }
  };

  const create = async () => {
    try {
      const s = (await oc('/session', { method: 'POST', body: {} })) as Session;
      setSessions([s, ...allSessions().filter((x) => x.id !== s.id)]);
      await openSession(s);
      document.getElementById('prompt')?.focus();
    } catch (e) {
      setError(readableError(e, 'create a session'));
    }
  };

  /** Send the composer's text: shown at once (OpenCode's echo replaces it);
   *  on failure taken back, the text back in the box, the reason shown. */
  const send = async () => {
    const t = open();
    const text = prompt().trim();
    if (!t || !text) return;
    // (/undo and /redo need no model; runCommand decides.)
    const slash = parseSlash(text, commands());
    if (slash) return runCommand(slash.command, slash.arguments);
    if (noModel()) return;
    const parts = promptParts(text, mentionedFiles(text, chosenFiles), dir());
    chosenFiles = [];
    setPopup(null);
    const revertAtSend = openRevert();
    const [shownT, localId] = addOptimistic(t, text);
    setPrompt('');
    setSendError(null);
    setOpen({ ...shownT, busy: true });
    setFollow(follow() + 1);
    try {
      const body: Record<string, unknown> = { parts };
      const m = modelRef(model());
      if (m) body.model = m;
      if (agent()) body.agent = agent();
      await oc(`/session/${encodeURIComponent(t.sessionID)}/prompt_async`, { method: 'POST', body });
      // Sent past an undo: OpenCode drops what was undone, so does the view.
      const cur = open();
      if (revertAtSend && cur?.sessionID === t.sessionID) setOpen(dropUndone(cur, revertAtSend));
    } catch (err) {
      const cur = open();
      if (cur?.sessionID === t.sessionID) setOpen({ ...dropOptimistic(cur, localId), busy: t.busy });
      // Back in the box (before anything typed since).
      setPrompt((now) => (now.trim() ? `${text}\n${now}` : text));
      setSendError(readableError(err));
      document.getElementById('prompt')?.focus();
    }
  };

  /** Run a slash command (`POST /session/:id/command`; it answers when the
   *  reply is done). Shown at once as `/name args` (OpenCode's echo, the
   *  command's template, replaces it); on failure taken back, the command
   *  back in the box. */
  const runCommand = async (command: string, args: string) => {
    if (commands().find((c) => c.name === command)?.builtin) return runBuiltin(command);
    const t = open();
    if (!t || noModel()) return;
    const text = `/${command}${args ? ` ${args}` : ''}`;
    const [shownT, localId] = addOptimistic(t, text, true);
    setPrompt('');
    setPopup(null);
    setSendError(null);
    setOpen({ ...shownT, busy: true });
    setFollow(follow() + 1);
    try {
      const body: Record<string, unknown> = { command, arguments: args };
      if (model()) body.model = model();
      if (agent()) body.agent = agent();
      await oc(`/session/${encodeURIComponent(t.sessionID)}/command`, { method: 'POST', body });
    } catch (err) {
      const cur = open();
      if (cur?.sessionID === t.sessionID) setOpen({ ...dropOptimistic(cur, localId), busy: t.busy });
      setPrompt((now) => (now.trim() ? now : text));
      setSendError(readableError(err, `run /${command}`));
      document.getElementById('prompt')?.focus();
    }
  };

  // ---- the page's own commands: /undo and /redo (OpenCode's revert) ---------
  /** The text /undo put back in the composer (cleared again by /redo if untouched). */
  let refilled: string | null = null;
  /** `typed`: run from the composer (its `/undo` text goes); from the Redo
   *  button, what is in the composer stays. */
  const runBuiltin = async (command: string, typed = true) => {
    if (typed) setPrompt('');
    setPopup(null);
    setSendError(null);
    const t = open();
    if (!t) return;
    if (t.busy) {
      setSendError(`Wait for the reply to finish (or abort it) before /${command}.`);
      return;
    }
    const id = encodeURIComponent(t.sessionID);
    try {
      if (command === 'undo') {
        const target = undoTarget(t, openRevert());
        if (!target) {
          setSendError('Nothing to undo.');
          return;
        }
        const s = (await oc(`/session/${id}/revert`, { method: 'POST', body: { messageID: target.id } })) as Session;
        if (s?.id) setSessions((all) => all.map((x) => (x.id === s.id ? s : x)));
        // Your message back in the box, to edit and send again.
        refilled = messageText(target);
        setPrompt((now) => (now.trim() ? now : refilled ?? ''));
      } else {
        const target = redoTarget(t, openRevert());
        if (!target) {
          setSendError('Nothing to redo.');
          return;
        }
        const s = (await (target === 'unrevert'
          ? oc(`/session/${id}/unrevert`, { method: 'POST', body: {} })
          : oc(`/session/${id}/revert`, { method: 'POST', body: target }))) as Session;
        if (s?.id) setSessions((all) => all.map((x) => (x.id === s.id ? s : x)));
        if (refilled !== null && prompt() === refilled) setPrompt('');
        refilled = null;
      }
      setFollow(follow() + 1);
    } catch (err) {
      setSendError(readableError(err, `run /${command}`));
    }
    document.getElementById('prompt')?.focus();
  };

  // ---- pop-ups of the composer: `/command` and `@file` ---------------------
  interface Popup { kind: 'command' | 'file'; items: { value: string; detail?: string }[]; index: number; start: number }
  const [popup, setPopup] = createSignal<Popup | null>(null);
  let chosenFiles: string[] = [];
  let findSeq = 0;
  let findTimer: number | undefined;
  onCleanup(() => window.clearTimeout(findTimer));
  let promptEl: HTMLTextAreaElement | undefined;
  const suggest = (text: string, caret: number) => {
    const q = slashQuery(text);
    if (q !== null) {
      const items = filterCommands(commands(), q).map((c) => ({ value: c.name, detail: c.description }));
      setPopup(items.length ? { kind: 'command', items, index: 0, start: 0 } : null);
      return;
    }
    const m = mentionAt(text, caret);
    window.clearTimeout(findTimer);
    if (!m) { setPopup(null); return; }
    const seq = ++findSeq;
    findTimer = window.setTimeout(() => {
      oc(`/find/file?query=${encodeURIComponent(m.query)}&dirs=false`).then((r) => {
        if (seq !== findSeq) return;
        const items = (Array.isArray(r) ? r : []).filter((x): x is string => typeof x === 'string').slice(0, 20).map((value) => ({ value }));
        setPopup(items.length ? { kind: 'file', items, index: 0, start: m.start } : null);
      }, () => { if (seq === findSeq) setPopup(null); });
    }, 120);
  };
  const choose = (i: number, complete = false) => {
    const p = popup();
    const item = p?.items[i];
    if (!p || !item) return;
    setPopup(null);
    if (p.kind === 'command') {
      if (complete) setPrompt(`/${item.value} `);
      else void runCommand(item.value, '');
      return;
    }
    const caret = promptEl?.selectionStart ?? prompt().length;
    const next = insertMention(prompt(), p.start, caret, item.value);
    chosenFiles.push(item.value);
    setPrompt(next.text);
    queueMicrotask(() => { promptEl?.focus(); promptEl?.setSelectionRange(next.caret, next.caret); });
  };
  const optionId = (i: number) => `composer-option-${i}`;

  // ---- rename and delete --------------------------------------------------------
  const rename = async (s: Session, title: string) => {
    setRenaming(null);
    const t = title.trim();
    if (!t || t === s.title) return;
    try {
      const next = (await oc(`/session/${encodeURIComponent(s.id)}`, { method: 'PATCH', body: { title: t } })) as Session;
      setSessions(allSessions().map((x) => (x.id === s.id ? { ...x, ...(next && typeof next === 'object' ? next : {}), title: t } : x)));
    } catch (e) {
      setError(readableError(e, 'rename the session'));
    }
    document.querySelector<HTMLElement>(`[data-session-id="${s.id}"]`)?.focus();
  };
  const remove = async (s: Session) => {
    await oc(`/session/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
    setConfirmDelete(null);
    setSessions(allSessions().filter((x) => x.id !== s.id));
    if (open()?.sessionID === s.id) {
      setOpen(null);
      saveOpen(sessionStorage, props.workspaceKey, null);
    }
  };

  const abort = async () => {
    const t = open();
    if (!t) return;
    try {
      await oc(`/session/${encodeURIComponent(t.sessionID)}/abort`, { method: 'POST', body: {} });
    } catch (err) {
      setError(readableError(err, 'abort'));
    }
  };

  // ---- prompts (permissions, questions): said aloud, and they take the focus
  /** What the live region says (a prompt just shown). */
  const [announcement, setAnnouncement] = createSignal('');
  /** Prompts already announced (a prompt drawn again is not new). */
  const announced = new Set<string>();
  let permissionsBox: HTMLDivElement | undefined;
  /** A prompt appeared: say `said`, and give its first control the focus
   *  (unless another prompt has it: the user is answering that one). */
  const promptShown = (id: string, said: string, el: HTMLElement) => {
    if (announced.has(id)) return;
    announced.add(id);
    setAnnouncement(said);
    // Not from behind the open drawer (a modal overlay): said only.
    if (!drawer() && !permissionsBox?.contains(document.activeElement)) el.querySelector<HTMLElement>('input, button')?.focus();
  };
  /** A prompt that had the focus is gone (answered here or elsewhere): the
   *  next prompt's first control, or the composer, takes it (not <body>). */
  const promptGone = () => {
    setAnnouncement('');
    (permissionsBox?.querySelector<HTMLElement>('input, button') ?? document.getElementById('prompt'))?.focus();
  };
  /** Mount/unmount hooks of a prompt element. */
  const asPrompt = (id: string, said: () => string) => (el: HTMLElement) => {
    onMount(() => promptShown(id, said(), el));
    // Still in the page (and focused) while it is disposed: move the focus once it is gone.
    onCleanup(() => { if (el.contains(document.activeElement)) queueMicrotask(promptGone); });
  };

  const answer = async (id: string, reply: 'once' | 'always' | 'reject') => {
    try {
      await oc(`/permission/${encodeURIComponent(id)}/reply`, { method: 'POST', body: { reply } });
      resolvedPrompts.add(id);
      const t = open();
      if (t) setOpen({ ...t, permissions: t.permissions.filter((p) => p.id !== id) });
    } catch (err) {
      setError(readableError(err, 'answer the permission request'));
    }
  };
  /** Answer (`answers`) or dismiss (null) a question of the agent. */
  const answerQuestion = async (q: QuestionView, answers: string[][] | null) => {
    try {
      const path = `/question/${encodeURIComponent(q.id)}/${answers ? 'reply' : 'reject'}`;
      await oc(path, { method: 'POST', body: answers ? { answers } : {} });
      resolvedPrompts.add(q.id);
      const t = open();
      if (t) setOpen({ ...t, questions: t.questions.filter((x) => x.id !== q.id) });
    } catch (err) {
      setError(readableError(err, answers ? 'answer the question' : 'dismiss the question'));
    }
  };

  return (
    <section class="sessions" aria-label="Sessions">
      {/* Always in the page, so that what it is given is said at once. */}
      <p class="sr-only" role="alert" aria-live="assertive" data-testid="permission-announcement">{announcement()}</p>
      <div class="row phone-only session-drawer-bar">
        <button type="button" ref={drawerButton} aria-expanded={drawer()} aria-controls="session-list-panel" onClick={() => (drawer() ? closeDrawer() : setDrawer(true))} data-testid="sessions-drawer-button">
          {drawer() ? 'Close sessions' : 'Sessions'}
        </button>
        <span class="muted drawer-current">{open() ? sessionTitle(sessions().find((x) => x.id === open()!.sessionID) ?? { id: '' }) : ''}</span>
      </div>
      <Show when={drawer()}>
        <div class="drawer-backdrop phone-only" onClick={() => closeDrawer()} />
      </Show>
      <div
        class="session-list"
        id="session-list-panel"
        ref={drawerPanel}
        classList={{ 'drawer-open': drawer() }}
        role={drawer() ? 'dialog' : undefined}
        aria-modal={drawer() ? 'true' : undefined}
        aria-labelledby={drawer() ? 'session-list-h' : undefined}
        onKeyDown={drawerKey}
      >
        <div class="row between">
          <h2 id="session-list-h" tabindex="-1">Sessions</h2>
          <span class="row">
            <button class="primary" onClick={() => { closeDrawer(() => null); void create(); }}>New session</button>
            <Show when={drawer()}>
              <button type="button" class="phone-only" onClick={() => closeDrawer()}>Close</button>
            </Show>
          </span>
        </div>
        <label for="session-search" class="sr-only">Search sessions</label>
        <input id="session-search" type="search" placeholder="Search sessions" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>
        <ul class="list" data-testid="session-list">
          {/* Keyed by id: a session updated meanwhile (a title, an undo) keeps its row (and a rename under way). */}
          <For each={shownIds()} fallback={<li class="muted">{sessions().length ? 'No session matches.' : 'No sessions yet.'}</li>}>
            {(id) => {
              const s = () => byId().get(id) ?? { id };
              return (
                <li class="row session-row">
                  <Show
                    when={renaming() === id}
                    fallback={
                      <button class="item" classList={{ selected: open()?.sessionID === id }} aria-current={open()?.sessionID === id ? 'true' : undefined} data-session-id={id} onClick={() => openSession(s())}>
                        <span class="primary-line">{sessionTitle(s())}</span>
                        <Show when={s().time?.updated ?? s().time?.created}>
                          {(at) => (
                            <span class="secondary-line">
                              <time datetime={new Date(at()).toISOString()} title={new Date(at()).toLocaleString()}>{relativeTime(at(), now())}</time>
                            </span>
                          )}
                        </Show>
                      </button>
                    }
                  >
                    <input
                      class="rename-input"
                      aria-label="New title"
                      value={untrack(() => (sessionTitle(s()) === 'Untitled session' ? '' : sessionTitle(s())))}
                      ref={(el) => queueMicrotask(() => { el.focus(); el.select(); })}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') { e.preventDefault(); void rename(s(), e.currentTarget.value); }
                        if (e.key === 'Escape') { e.preventDefault(); setRenaming(null); document.querySelector<HTMLElement>(`[data-session-id="${id}"]`)?.focus(); }
                      }}
                      onBlur={(e) => { if (renaming() === id) void rename(s(), e.currentTarget.value); }}
                    />
                  </Show>
                  <button type="button" class="icon" aria-label={`Rename ${sessionTitle(s())}`} title="Rename" onClick={() => setRenaming(id)}>✎</button>
                  <button type="button" class="icon danger" aria-label={`Delete ${sessionTitle(s())}`} title="Delete" onClick={() => setConfirmDelete(s())}>✕</button>
                </li>
              );
            }}
          </For>
        </ul>
      </div>
      <Show when={confirmDelete()}>
        {(s) => (
          <Confirm title="Delete this session?" confirmLabel="Delete" onConfirm={() => remove(s())} onCancel={() => setConfirmDelete(null)} returnFocus={() => document.getElementById('session-search')}>
            “{sessionTitle(s())}” and its messages are deleted from OpenCode. This cannot be undone.
          </Confirm>
        )}
      </Show>
      <div class="chat">
        <NoModel transport={props.transport} reload={props.epoch * 1000 + props.refresh} onChange={setNoModel} />
        <Show when={open()} fallback={<p class="muted">Open or create a session.</p>}>
          {(t) => (
            <>
              <TranscriptView
                transcript={{ ...t(), messages: shownMessages(t(), openRevert()) }}
                follow={follow()}
                restore={restore()}
                onRestored={() => setRestore(null)}
                onPosition={(anchor) => saveOpen(sessionStorage, props.workspaceKey, { id: t().sessionID, scroll: anchor })}
              />
              <TodoPanel todos={t().todos} />
              <Show when={undoneCount(t(), openRevert())}>
                {(n) => (
                  <div class="revert-bar row" role="status" data-testid="revert-bar">
                    <span>
                      Undid {n() === 1 ? 'your last message' : `your last ${n()} messages`} and the replies
                      {openRevert()?.snapshot ? ', with the file changes they made' : ' (files are not put back: OpenCode keeps snapshots of git projects only)'}.
                      A new message drops {n() === 1 ? 'it' : 'them'} for good.
                    </span>
                    <button type="button" onClick={() => void runBuiltin('redo', false)}>Redo</button>
                  </div>
                )}
              </Show>
              <div class="permissions" ref={permissionsBox}>
                <For each={t().permissions}>
                  {(p) => {
                    const textId = `permission-${p.id}`;
                    return (
                      <div class="permission" ref={asPrompt(p.id, () => permissionAnnouncement(p))} role="alertdialog" aria-label="Permission request" aria-describedby={textId} data-permission-id={p.id}>
                        <p id={textId}>
                          {p.subagent ? 'A subagent asks for ' : 'OpenCode asks for '}<strong>{p.title}</strong>
                          <Show when={p.patterns.length}> on <code>{p.patterns.join(', ')}</code></Show>
                        </p>
                        <div class="row">
                          <button class="primary" onClick={() => answer(p.id, 'once')}>Allow once</button>
                          <button onClick={() => answer(p.id, 'always')}>Always allow</button>
                          <button class="danger" onClick={() => answer(p.id, 'reject')}>Reject</button>
                        </div>
                      </div>
                    );
                  }}
                </For>
                <For each={t().questions}>
                  {(q) => (
                    <div ref={asPrompt(q.id, () => questionAnnouncement(q))}>
                      <QuestionPrompt request={q} onAnswer={(a) => answerQuestion(q, a)} onDismiss={() => answerQuestion(q, null)} />
                    </div>
                  )}
                </For>
              </div>
              <form class="composer" onSubmit={(e) => { e.preventDefault(); void send(); }}>
                <label for="prompt" class="sr-only">Message to OpenCode</label>
                <Show when={popup()}>
                  {(p) => (
                    <ul class="suggestions" role="listbox" id="composer-suggestions" aria-label={p().kind === 'command' ? 'Commands' : 'Files'} data-testid="composer-suggestions">
                      <For each={p().items}>
                        {(item, i) => (
                          <li
                            role="option"
                            id={optionId(i())}
                            aria-selected={p().index === i()}
                            classList={{ active: p().index === i() }}
                            onMouseDown={(e) => e.preventDefault()}
                            onClick={() => choose(i())}
                          >
                            <span class="primary-line">{p().kind === 'command' ? `/${item.value}` : `@${item.value}`}</span>
                            <Show when={item.detail}><span class="secondary-line">{item.detail}</span></Show>
                          </li>
                        )}
                      </For>
                    </ul>
                  )}
                </Show>
                <textarea
                  id="prompt"
                  ref={promptEl}
                  rows="2"
                  placeholder="Ask OpenCode… (/ for commands, @ for files)"
                  aria-describedby="prompt-hint"
                  aria-autocomplete="list"
                  aria-controls={popup() ? 'composer-suggestions' : undefined}
                  aria-activedescendant={popup() ? optionId(popup()!.index) : undefined}
                  value={prompt()}
                  onInput={(e) => { setPrompt(e.currentTarget.value); suggest(e.currentTarget.value, e.currentTarget.selectionStart); }}
                  onBlur={() => setPopup(null)}
                  onKeyDown={(e) => {
                    const p = popup();
                    if (p && !e.isComposing) {
                      const to = listboxKey(e.key, p.index, p.items.length);
                      if (to !== null) {
                        e.preventDefault();
                        if (to === 'close') setPopup(null);
                        else if (to === 'choose') choose(p.index, e.key === 'Tab');
                        else setPopup({ ...p, index: to });
                        return;
                      }
                    }
                    if (composerKey(e) === 'send') {
                      e.preventDefault();
                      void send();
                    }
                  }}
                />
                <Show when={sendError()}>
                  <p class="error" role="alert" data-testid="send-error">{sendError()}</p>
                </Show>
                <div class="row composer-bar">
                  <Show when={models().length}>
                    <label class="picker">
                      <span class="sr-only">Model</span>
                      <select id="composer-model" aria-label="Model" onChange={(e) => { setModel(e.currentTarget.value); remember(); }}>
                        <option value="" selected={model() === ''}>Default model</option>
                        <For each={models()}>{(m) => <option value={m.value} selected={m.value === model()}>{m.label}</option>}</For>
                      </select>
                    </label>
                  </Show>
                  <Show when={agents().length}>
                    <label class="picker">
                      <span class="sr-only">Agent</span>
                      <select id="composer-agent" aria-label="Agent" onChange={(e) => { setAgent(e.currentTarget.value); remember(); }}>
                        <For each={agents()}>{(a) => <option value={a} selected={a === agent()}>{a}</option>}</For>
                      </select>
                    </label>
                  </Show>
                  <button type="submit" class="primary" disabled={!prompt().trim() || noModel()}>Send</button>
                  <Show when={t().busy}>
                    <button type="button" class="danger" onClick={abort}>Abort</button>
                    <span class="muted" role="status">Working…</span>
                  </Show>
                  <span id="prompt-hint" class="muted small hint-keys">Enter sends · Shift+Enter: new line · / commands · @ files</span>
                </div>
              </form>
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
