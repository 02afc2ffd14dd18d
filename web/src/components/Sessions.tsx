import { createSignal, For, Show, onCleanup, onMount, createEffect, on } from 'solid-js';
import { permissionAnnouncement } from '../lib/a11y';
import { remote, type Transport } from '../lib/api';
import { composerKey, readableError, relativeTime } from '../lib/chat';
import {
  addOptimistic, applyEvent, dropOptimistic, emptyTranscript, keepOptimistic, pendingPermissions, sessionTitle, transcriptFromList,
  type PermissionView, type Session, type Transcript,
} from '../lib/opencode';
import { preloadMarkdown, TranscriptView } from './Transcript';
import { NoModel } from './NoModel';

export interface SessionsProps {
  transport: Transport;
  /** Changes when the workspace (or connection) changes: start over. */
  epoch: number;
  /** Changes when the same workspace changed under us (config, engine
   *  restart, reconnect): reload in place, keep the open session. */
  refresh: number;
  /** Register for OpenCode events; returns an unsubscribe function. */
  subscribe: (fn: (ev: { type?: string; properties?: unknown }) => void) => () => void;
}

/** Sessions: list, create, open, prompt with a live streamed answer, permissions, abort. */
export function Sessions(props: SessionsProps) {
  const [sessions, setSessions] = createSignal<Session[]>([]);
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
  const oc = (path: string, init?: { method?: string; body?: unknown }) => remote<unknown>(props.transport, `/opencode${path}`, init);

  const load = async () => {
    try {
      const list = (await oc('/session')) as Session[];
      setSessions([...list].sort((a, b) => (b.time?.updated ?? 0) - (a.time?.updated ?? 0)));
      setError(null);
    } catch (e) {
      setError(readableError(e, 'list the sessions'));
    }
  };
  // A new epoch is another workspace or connection: never show the old list meanwhile.
  createEffect(on(() => props.epoch, () => { setOpen(null); setSessions([]); void load(); }));
  // Same workspace, changed under us: reload the list, catch the open
  // session up (events may have been missed); what is open stays open.
  createEffect(on(() => props.refresh, () => {
    void load();
    const t = open();
    if (t) void resync(t.sessionID);
  }, { defer: true }));

  const unsubscribe = props.subscribe((ev) => {
    const t = open();
    if (t) setOpen(applyEvent(t, ev));
    if (ev.type === 'session.updated' || ev.type === 'session.created') void load();
  });
  onCleanup(unsubscribe);

  const openSession = async (s: Session) => {
    if (open()?.sessionID !== s.id) {
      setOpen(emptyTranscript(s.id));
      setSendError(null);
    }
    try {
      const [msgs, asked] = await Promise.all([
        oc(`/session/${encodeURIComponent(s.id)}/message`),
        oc('/permission').catch(() => []),
      ]);
      // Events that arrived meanwhile are re-derived by the next updates;
      // permissions asked before the session was opened come from the list.
      const t = transcriptFromList(s.id, msgs);
      const pending = pendingPermissions(s.id, asked);
      const live = open()?.sessionID === s.id ? open()!.permissions : [];
      const merged = [...pending, ...live.filter((p) => !pending.some((q) => q.id === p.id))];
      setOpen({ ...keepOptimistic(t, open()), permissions: merged });
    } catch (e) {
      setError(readableError(e, 'open the session'));
    }
  };

  /** Catch the open session up from OpenCode, keeping it open. */
  const resync = async (id: string) => {
    try {
      const [msgs, asked] = await Promise.all([oc(`/session/${encodeURIComponent(id)}/message`), oc('/permission').catch(() => [])]);
      const cur = open();
      if (cur?.sessionID !== id) return;
      const t = transcriptFromList(id, msgs);
      setOpen({ ...keepOptimistic(t, cur), busy: cur.busy && !t.messages.at(-1)?.done, permissions: pendingPermissions(id, asked) });
    } catch {
      /* keep what is shown; the next event or refresh catches up */
    }
  };

  const create = async () => {
    try {
      const s = (await oc('/session', { method: 'POST', body: {} })) as Session;
      setSessions([s, ...sessions().filter((x) => x.id !== s.id)]);
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
    if (!t || !text || noModel()) return;
    const [shown, localId] = addOptimistic(t, text);
    setPrompt('');
    setSendError(null);
    setOpen({ ...shown, busy: true });
    setFollow(follow() + 1);
    try {
      await oc(`/session/${encodeURIComponent(t.sessionID)}/prompt_async`, { method: 'POST', body: { parts: [{ type: 'text', text }] } });
    } catch (err) {
      const cur = open();
      if (cur?.sessionID === t.sessionID) setOpen({ ...dropOptimistic(cur, localId), busy: t.busy });
      // Back in the box (before anything typed since).
      setPrompt((now) => (now.trim() ? `${text}\n${now}` : text));
      setSendError(readableError(err));
      document.getElementById('prompt')?.focus();
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

  // ---- permission prompts: said aloud, and they take the focus -------------
  /** What the live region says (a permission prompt just shown). */
  const [announcement, setAnnouncement] = createSignal('');
  /** Prompts already announced (a prompt drawn again is not new). */
  const announced = new Set<string>();
  let permissionsBox: HTMLDivElement | undefined;
  /** A prompt appeared: say so, and give its first button the focus (unless
   *  another prompt has it: the user is answering that one). */
  const promptShown = (p: PermissionView, el: HTMLElement) => {
    if (announced.has(p.id)) return;
    announced.add(p.id);
    setAnnouncement(permissionAnnouncement(p));
    if (!permissionsBox?.contains(document.activeElement)) el.querySelector('button')?.focus();
  };
  /** A prompt that had the focus is gone (answered here or elsewhere): the
   *  next prompt's first button, or the composer, takes it (not <body>). */
  const promptGone = () => {
    setAnnouncement('');
    (permissionsBox?.querySelector('button') ?? document.getElementById('prompt'))?.focus();
  };

  const answer = async (id: string, reply: 'once' | 'always' | 'reject') => {
    try {
      await oc(`/permission/${encodeURIComponent(id)}/reply`, { method: 'POST', body: { reply } });
      const t = open();
      if (t) setOpen({ ...t, permissions: t.permissions.filter((p) => p.id !== id) });
    } catch (err) {
      setError(readableError(err, 'answer the permission request'));
    }
  };

  return (
    <section class="sessions" aria-label="Sessions">
      {/* Always in the page, so that what it is given is said at once. */}
      <p class="sr-only" role="alert" aria-live="assertive" data-testid="permission-announcement">{announcement()}</p>
      <div class="session-list">
        <div class="row between">
          <h2 tabindex="-1">Sessions</h2>
          <button class="primary" onClick={create}>New session</button>
        </div>
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>
        <ul class="list" data-testid="session-list">
          <For each={sessions()} fallback={<li class="muted">No sessions yet.</li>}>
            {(s) => (
              <li>
                <button class="item" classList={{ selected: open()?.sessionID === s.id }} aria-current={open()?.sessionID === s.id ? 'true' : undefined} data-session-id={s.id} onClick={() => openSession(s)}>
                  <span class="primary-line">{sessionTitle(s)}</span>
                  <Show when={s.time?.updated ?? s.time?.created}>
                    {(at) => (
                      <span class="secondary-line">
                        <time datetime={new Date(at()).toISOString()} title={new Date(at()).toLocaleString()}>{relativeTime(at(), now())}</time>
                      </span>
                    )}
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </div>
      <div class="chat">
        <NoModel transport={props.transport} reload={props.epoch * 1000 + props.refresh} onChange={setNoModel} />
        <Show when={open()} fallback={<p class="muted">Open or create a session.</p>}>
          {(t) => (
            <>
              <TranscriptView transcript={t()} follow={follow()} />
              <div class="permissions" ref={permissionsBox}>
                <For each={t().permissions}>
                  {(p) => {
                    let el!: HTMLDivElement;
                    onMount(() => promptShown(p, el));
                    // Still in the page (and focused) while it is disposed: move the focus once it is gone.
                    onCleanup(() => { if (el.contains(document.activeElement)) queueMicrotask(promptGone); });
                    const textId = `permission-${p.id}`;
                    return (
                      <div class="permission" ref={el} role="alertdialog" aria-label="Permission request" aria-describedby={textId} data-permission-id={p.id}>
                        <p id={textId}>
                          OpenCode asks for <strong>{p.title}</strong>
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
              </div>
              <form class="composer" onSubmit={(e) => { e.preventDefault(); void send(); }}>
                <label for="prompt" class="sr-only">Message to OpenCode</label>
                <textarea
                  id="prompt"
                  rows="2"
                  placeholder="Ask OpenCode… (Enter to send, Shift+Enter for a new line)"
                  aria-describedby="prompt-hint"
                  value={prompt()}
                  onInput={(e) => setPrompt(e.currentTarget.value)}
                  onKeyDown={(e) => {
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
                  <button type="submit" class="primary" disabled={!prompt().trim() || noModel()}>Send</button>
                  <Show when={t().busy}>
                    <button type="button" class="danger" onClick={abort}>Abort</button>
                    <span class="muted" role="status">Working…</span>
                  </Show>
                  <span id="prompt-hint" class="muted small hint-keys">Enter sends · Shift+Enter: new line</span>
                </div>
              </form>
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
