import { createSignal, For, Show, onCleanup, createEffect, on } from 'solid-js';
import { remote, type Transport } from '../lib/api';
import { applyEvent, emptyTranscript, messageText, pendingPermissions, transcriptFromList, type Session, type Transcript } from '../lib/opencode';

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
  const oc = (path: string, init?: { method?: string; body?: unknown }) => remote<unknown>(props.transport, `/opencode${path}`, init);

  const load = async () => {
    try {
      const list = (await oc('/session')) as Session[];
      setSessions([...list].sort((a, b) => (b.time?.updated ?? 0) - (a.time?.updated ?? 0)));
      setError(null);
    } catch (e) {
      setError(`Could not list sessions: ${(e as Error).message}`);
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
    setOpen(emptyTranscript(s.id));
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
      setOpen({ ...t, permissions: merged });
    } catch (e) {
      setError(`Could not open the session: ${(e as Error).message}`);
    }
  };

  /** Catch the open session up from OpenCode, keeping it open. */
  const resync = async (id: string) => {
    try {
      const [msgs, asked] = await Promise.all([oc(`/session/${encodeURIComponent(id)}/message`), oc('/permission').catch(() => [])]);
      const cur = open();
      if (cur?.sessionID !== id) return;
      const t = transcriptFromList(id, msgs);
      setOpen({ ...t, busy: cur.busy && !t.messages.at(-1)?.done, permissions: pendingPermissions(id, asked) });
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
      setError(`Could not create a session: ${(e as Error).message}`);
    }
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const t = open();
    const text = prompt().trim();
    if (!t || !text) return;
    setPrompt('');
    setOpen({ ...t, busy: true });
    try {
      await oc(`/session/${encodeURIComponent(t.sessionID)}/prompt_async`, { method: 'POST', body: { parts: [{ type: 'text', text }] } });
    } catch (err) {
      setError(`Could not send: ${(err as Error).message}`);
      const cur = open();
      if (cur) setOpen({ ...cur, busy: false });
    }
  };

  const abort = async () => {
    const t = open();
    if (!t) return;
    try {
      await oc(`/session/${encodeURIComponent(t.sessionID)}/abort`, { method: 'POST', body: {} });
    } catch (err) {
      setError(`Could not abort: ${(err as Error).message}`);
    }
  };

  const answer = async (id: string, reply: 'once' | 'always' | 'reject') => {
    try {
      await oc(`/permission/${encodeURIComponent(id)}/reply`, { method: 'POST', body: { reply } });
      const t = open();
      if (t) setOpen({ ...t, permissions: t.permissions.filter((p) => p.id !== id) });
    } catch (err) {
      setError(`Could not answer: ${(err as Error).message}`);
    }
  };

  return (
    <section class="sessions" aria-label="Sessions">
      <div class="session-list">
        <div class="row between">
          <h2>Sessions</h2>
          <button class="primary" onClick={create}>New session</button>
        </div>
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>
        <ul class="list" data-testid="session-list">
          <For each={sessions()} fallback={<li class="muted">No sessions yet.</li>}>
            {(s) => (
              <li>
                <button class="item" classList={{ selected: open()?.sessionID === s.id }} onClick={() => openSession(s)}>
                  <span class="primary-line">{s.title || 'Untitled session'}</span>
                  <span class="secondary-line">{s.id}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </div>
      <div class="chat">
        <Show when={open()} fallback={<p class="muted">Open or create a session.</p>}>
          {(t) => (
            <>
              <ol class="messages" data-testid="messages" aria-live="polite">
                <For each={t().messages}>
                  {(m) => (
                    <li class={`msg ${m.role}`} data-role={m.role}>
                      <span class="who">{m.role === 'user' ? 'You' : 'Assistant'}</span>
                      <div class="text">{messageText(m)}</div>
                      <For each={m.parts.filter((p) => p.type === 'tool')}>
                        {(p) => <div class="tool">⚙ {p.tool} · {p.status}</div>}
                      </For>
                      <Show when={m.error}>
                        <div class="error">{m.error}</div>
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
              <For each={t().permissions}>
                {(p) => (
                  <div class="permission" role="alertdialog" aria-label="Permission request">
                    <p>
                      OpenCode asks for <strong>{p.title}</strong>
                      <Show when={p.patterns.length}> on <code>{p.patterns.join(', ')}</code></Show>
                    </p>
                    <div class="row">
                      <button class="primary" onClick={() => answer(p.id, 'once')}>Allow once</button>
                      <button onClick={() => answer(p.id, 'always')}>Always allow</button>
                      <button class="danger" onClick={() => answer(p.id, 'reject')}>Reject</button>
                    </div>
                  </div>
                )}
              </For>
              <form class="composer" onSubmit={send}>
                <label for="prompt" class="sr-only">Prompt</label>
                <textarea
                  id="prompt"
                  rows="2"
                  placeholder="Ask OpenCode…"
                  value={prompt()}
                  onInput={(e) => setPrompt(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
                  }}
                />
                <div class="row">
                  <button type="submit" class="primary" disabled={!prompt().trim()}>Send</button>
                  <Show when={t().busy}>
                    <button type="button" class="danger" onClick={abort}>Abort</button>
                    <span class="muted" role="status">Working…</span>
                  </Show>
                </div>
              </form>
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
