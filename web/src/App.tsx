import { createMemo, createSignal, For, Match, onCleanup, onMount, Show, Switch, createEffect, on } from 'solid-js';
import {
  app,
  appTransport,
  detectMode,
  hostTransport,
  remote,
  storedToken,
  storeToken,
  type ConnectInput,
  type ConnectResult,
  type Detected,
  type HostWorkspace,
  type WorkspaceList,
} from './lib/api';
import { HttpError, streamSse } from './lib/sse';
import {
  backoffDelay,
  badge,
  fallbackHint,
  GIVE_UP_AFTER,
  headerLabel,
  primaryLine,
  reduceConn,
  secondaryLine,
  takeTokenFromUrl,
  type ConnEvent,
  type ConnState,
  type WorkspaceEntry,
} from './lib/state';
import { ConnectForm } from './components/ConnectForm';
import { Sessions } from './components/Sessions';
import { Extensions } from './components/Extensions';
import { Settings } from './components/Settings';

type View = 'sessions' | 'extensions' | 'settings';
type OcEvent = { type?: string; properties?: unknown };

const FALLBACK_KEY = 'openwork.fallback';

export function App() {
  const [detected, setDetected] = createSignal<Detected | null>(null);
  const [conn, setConn] = createSignal<ConnState>({ kind: 'idle' });
  const dispatch = (e: ConnEvent) => setConn((s) => reduceConn(s, e));
  const [list, setList] = createSignal<WorkspaceList>({ activeId: null, items: [] });
  const [hostWs, setHostWs] = createSignal<HostWorkspace | null>(null);
  const [token, setToken] = createSignal<string | null>(null);
  const [view, setView] = createSignal<View>('sessions');
  const [pickerOpen, setPickerOpen] = createSignal(false);
  const [modalOpen, setModalOpen] = createSignal(false);
  const [toast, setToast] = createSignal<string | null>(null);
  // `epoch`: another workspace or connection (views start over);
  // `refresh`: the same workspace changed under us (config, engine restart,
  // a reconnect that may have missed events): views reload in place and
  // keep what is open.
  const [epoch, setEpoch] = createSignal(0);
  const [refresh, setRefresh] = createSignal(0);
  const refreshViews = () => setRefresh(refresh() + 1);
  const [onboardingError, setOnboardingError] = createSignal<string | null>(null);
  const [hostPath, setHostPath] = createSignal('');
  const [hostError, setHostError] = createSignal<string | null>(null);

  const appMode = () => detected()?.mode === 'app';
  const transport = createMemo(() => (appMode() ? appTransport : hostTransport(token)));

  /** The active workspace (host-served page: the host's one workspace). */
  const active = createMemo<WorkspaceEntry | undefined>(() => {
    if (appMode()) return list().items.find((w) => w.id === list().activeId);
    const w = hostWs();
    if (!w) return undefined;
    return {
      id: w.id,
      name: w.name,
      workspaceType: 'remote',
      remoteType: 'openwork',
      openworkHostUrl: location.origin,
      openworkWorkspaceId: w.id,
      openworkWorkspaceName: w.name,
      opencodeDirectory: w.path,
      hasToken: Boolean(token()),
    };
  });
  const showOnboarding = () => detected() !== null && !active() && conn().kind !== 'connecting';

  let toastTimer: number | undefined;
  const showToast = (m: string) => {
    setToast(m);
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => setToast(null), 5000);
  };

  // ---- events -------------------------------------------------------------
  const listeners = new Set<(ev: OcEvent) => void>();
  const subscribe = (fn: (ev: OcEvent) => void) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  let supervisor: AbortController | null = null;

  const fallbackFor = (id: string | undefined) => {
    try {
      return id !== undefined && sessionStorage.getItem(`${FALLBACK_KEY}.${id}`) === '1';
    } catch {
      return false;
    }
  };

  /** Check the active remote; dispatches connected / failed. Throws on transient failure. */
  const verify = async (): Promise<void> => {
    if (appMode()) {
      const s = await app.status();
      if (s.state === 'connected' && s.remoteType) {
        dispatch({ type: 'connected', remoteType: s.remoteType, viaFallback: fallbackFor(active()?.id) });
        if (s.hostWorkspaceChanged) await follow('The host switched workspace.');
        return;
      }
      if (s.state === 'auth_failed' || s.state === 'wrong_password' || s.state === 'needs_password') {
        dispatch({ type: 'failed', reason: s.message ?? s.state, authFailed: true });
        return;
      }
      throw new Error(s.message ?? s.state);
    }
    try {
      const w = await remote<{ active: HostWorkspace }>(transport(), '/workspaces');
      const prev = hostWs();
      setHostWs(w.active);
      if (prev && prev.id !== w.active.id) {
        showToast(`The host switched to “${w.active.name}”. Reconnected.`);
        setEpoch(epoch() + 1);
      }
      dispatch({ type: 'connected', remoteType: 'openwork', viaFallback: false });
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        dispatch({ type: 'failed', reason: 'The access token was refused.', authFailed: true });
        return;
      }
      throw e;
    }
  };

  const follow = async (why: string) => {
    if (appMode()) {
      const r = await app.follow();
      setList(await app.workspaces());
      showToast(`${why} Reconnected to “${r.workspace.openworkWorkspaceName ?? r.workspace.name}”.`);
    } else {
      await verify();
    }
    setEpoch(epoch() + 1);
  };

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = window.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { window.clearTimeout(t); resolve(); }, { once: true });
    });

  /** Keep the OpenCode and host event streams open; reconnect with backoff.
   *  Both streams of one round share an AbortController, so a round never
   *  leaves a stream behind. A stream that ends (OpenCode reloads the
   *  workspace after every extension change) is reopened at once and quietly;
   *  only when that fails does the header say "Connecting…". */
  const supervise = async (signal: AbortSignal) => {
    let attempt = 0;
    while (!signal.aborted) {
      const t = transport();
      const round = new AbortController();
      const endRound = () => round.abort();
      signal.addEventListener('abort', endRound, { once: true });
      const streams: Promise<void>[] = [
        streamSse(`${t.remoteBase}/opencode/event`, { headers: t.headers(), credentials: 'same-origin' }, (m) => {
          if (attempt > 0) {
            attempt = 0;
          }
          try {
            const ev = JSON.parse(m.data) as OcEvent;
            for (const l of listeners) l(ev);
          } catch {
            /* not JSON */
          }
        }, round.signal),
      ];
      if (active()?.remoteType === 'openwork') {
        streams.push(
          streamSse(`${t.remoteBase}/events`, { headers: t.headers(), credentials: 'same-origin' }, (m) => {
            try {
              const ev = JSON.parse(m.data) as { type?: string; properties?: { to?: { name?: string } } };
              if (ev.type === 'workspace.switched') void follow(`The host switched to “${ev.properties?.to?.name ?? 'another folder'}”.`);
              if (ev.type === 'engine.state' || ev.type === 'config.changed' || ev.type === 'engine.reload') refreshViews();
            } catch {
              /* not JSON */
            }
          }, round.signal),
        );
      }
      for (const st of streams) st.catch(() => { /* reported through the race below */ });
      try {
        await Promise.race(streams);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof HttpError && (e.status === 401 || e.status === 403) && e.code !== 'forbidden') {
          dispatch({ type: 'failed', reason: 'The access token was refused.', authFailed: true });
          return;
        }
      } finally {
        round.abort();
        signal.removeEventListener('abort', endRound);
      }
      if (signal.aborted) return;
      attempt += 1;
      const quiet = attempt === 1;
      if (!quiet) {
        dispatch({ type: 'lost', reason: 'connection lost' });
        if (attempt >= GIVE_UP_AFTER) dispatch({ type: 'giveUp', reason: 'The remote does not answer.' });
        await sleep(backoffDelay(attempt - 1), signal);
      }
      try {
        await verify();
        if (conn().kind === 'disconnected' && (conn() as { authFailed: boolean }).authFailed) return;
        // Events may have been missed while the streams were down.
        refreshViews();
      } catch {
        /* try again */
      }
    }
  };

  const restartSupervisor = () => {
    supervisor?.abort();
    supervisor = new AbortController();
    void supervise(supervisor.signal);
  };
  onCleanup(() => supervisor?.abort());

  // Reconnect streams whenever the active workspace changes.
  createEffect(on(() => active()?.id, (id) => {
    if (id && conn().kind === 'connected') restartSupervisor();
  }));

  // ---- startup ------------------------------------------------------------
  onMount(async () => {
    const { token: fromUrl, cleaned } = takeTokenFromUrl(location.href);
    if (fromUrl) {
      storeToken(fromUrl);
      history.replaceState(null, '', cleaned);
    }
    setToken(storedToken());
    const d = await detectMode();
    setDetected(d);
    if (d.mode === 'app' && !d.signedIn) return;
    if (d.mode === 'app') setList(await app.workspaces());
    if ((d.mode === 'app' && list().activeId) || (d.mode === 'host' && token())) {
      dispatch({ type: 'connect', remoteType: active()?.remoteType });
      try {
        await verify();
      } catch (e) {
        dispatch({ type: 'failed', reason: (e as Error).message });
      }
      if (conn().kind === 'connected') restartSupervisor();
      else if (d.mode === 'host') setOnboardingError('The access token was refused. Paste the current client token.');
    }
  });

  // ---- actions ------------------------------------------------------------
  const afterConnect = async (r: ConnectResult) => {
    try {
      sessionStorage.setItem(`${FALLBACK_KEY}.${r.workspace.id}`, r.fallback ? '1' : '0');
    } catch {
      /* ignore */
    }
    setList(await app.workspaces());
    dispatch({ type: 'connected', remoteType: r.remoteType, viaFallback: r.fallback });
    setEpoch(epoch() + 1);
    setView('sessions');
    restartSupervisor();
  };

  /** Connect (onboarding or the modal). Returns an inline error or null. */
  const connect = async (input: ConnectInput): Promise<string | null> => {
    if (!appMode()) {
      const t = input.token ?? '';
      if (!t) return 'Enter the access token.';
      const prev = token();
      setToken(t);
      try {
        const w = await remote<{ active: HostWorkspace }>(hostTransport(() => t), '/workspaces');
        storeToken(t);
        setHostWs(w.active);
        dispatch({ type: 'connected', remoteType: 'openwork', viaFallback: false });
        setEpoch(epoch() + 1);
        restartSupervisor();
        return null;
      } catch (e) {
        setToken(prev);
        if (e instanceof HttpError && (e.status === 401 || e.status === 403)) return 'This host refused the access token. Check the client token and try again.';
        return (e as Error).message;
      }
    }
    try {
      await afterConnect(await app.connect(input));
      setModalOpen(false);
      return null;
    } catch (e) {
      if (e instanceof HttpError && e.code === 'auth_failed') return `The host refused the access token (HTTP ${e.status === 401 ? 401 : 403}). Nothing was saved.`;
      return (e as Error).message;
    }
  };

  const hostFolder = async (e: Event) => {
    e.preventDefault();
    setHostError(null);
    try {
      await afterConnect(await app.hostFolder(hostPath()));
      showToast('Hosting this folder. Open Settings for the pairing link.');
    } catch (err) {
      setHostError((err as Error).message);
    }
  };

  const switchTo = async (w: WorkspaceEntry) => {
    setPickerOpen(false);
    dispatch({ type: 'connect', remoteType: w.remoteType });
    setList(await app.activate(w.id));
    try {
      await verify();
    } catch (err) {
      dispatch({ type: 'failed', reason: (err as Error).message });
    }
    setEpoch(epoch() + 1);
    restartSupervisor();
  };

  const removeWs = async (w: WorkspaceEntry) => {
    setList(await app.remove(w.id));
    if (!list().activeId) {
      supervisor?.abort();
      dispatch({ type: 'reset' });
    }
  };

  const signOut = () => {
    storeToken(null);
    setToken(null);
    setHostWs(null);
    supervisor?.abort();
    dispatch({ type: 'reset' });
  };

  // Escape closes overlays.
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      setPickerOpen(false);
      setModalOpen(false);
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  const statusClass = () => conn().kind;

  return (
    <div class="app">
      <header class="header">
        <span class="brand">OpenWork</span>
        <Show when={active()}>
          {(w) => (
            <button class="ws-button" aria-haspopup="dialog" onClick={() => setPickerOpen(true)} data-testid="workspace-button">
              <span class={`badge ${badge(w()).toLowerCase()}`}>{badge(w())}</span>
              <span class="ws-name">{secondaryLine(w())}</span>
            </button>
          )}
        </Show>
        <span class={`status ${statusClass()}`} role="status" data-testid="header-status">
          {headerLabel(conn())}
        </span>
      </header>
      <Show when={fallbackHint(conn())}>
        <p class="hint" data-testid="fallback-hint">{fallbackHint(conn())}</p>
      </Show>
      <Show when={toast()}>
        <div class="toast" role="status" data-testid="toast">{toast()}</div>
      </Show>

      <Switch>
        <Match when={detected() === null}>
          <p class="muted center">Loading…</p>
        </Match>
        <Match when={detected()?.mode === 'app' && !(detected() as { signedIn: boolean }).signedIn}>
          <section class="card narrow">
            <h1>Signed out</h1>
            <p>Run <code>openwork app</code> again on this machine: it opens a signed-in page. (A sign-in link works once, within a minute.)</p>
          </section>
        </Match>
        <Match when={showOnboarding()}>
          <main class="onboarding" aria-label="Get started">
            <h1>Welcome to OpenWork</h1>
            <div class="choices">
              <section class="card" aria-labelledby="host-h">
                <h2 id="host-h">Host a local folder</h2>
                <Show
                  when={appMode()}
                  fallback={<p class="muted">This page is served by an OpenWork host. To host another folder, run <code>openwork workspace switch PATH</code> on the host.</p>}
                >
                  <p class="muted">Run OpenCode on this machine for a folder and share it with your other devices.</p>
                  <form class="form" onSubmit={hostFolder}>
                    <label for="host-path">Folder</label>
                    <input id="host-path" placeholder="/home/me/project" value={hostPath()} onInput={(e) => setHostPath(e.currentTarget.value)} />
                    <Show when={hostError()}>
                      <p class="error" role="alert">{hostError()}</p>
                    </Show>
                    <button type="submit" class="primary">Host this folder</button>
                  </form>
                </Show>
              </section>
              <section class="card" aria-labelledby="connect-h">
                <h2 id="connect-h">Connect</h2>
                <p class="muted">Pair with an OpenWork host (or an OpenCode server).</p>
                <ConnectForm mode={detected()?.mode ?? 'app'} idPrefix="onb" submitLabel="Connect" initialError={onboardingError()} onSubmit={connect} />
              </section>
            </div>
          </main>
        </Match>
        <Match when={true}>
          <nav class="tabs main-tabs" role="tablist" aria-label="Sections">
            <For each={[['sessions', 'Sessions'], ['extensions', 'Extensions'], ['settings', 'Settings']] as const}>
              {([v, label]) => (
                <button role="tab" aria-selected={view() === v} classList={{ selected: view() === v }} onClick={() => setView(v)}>
                  {label}
                </button>
              )}
            </For>
          </nav>
          <main class="main">
            {/* Sessions stay mounted (hidden) on the other tabs: what is open stays open. */}
            <div hidden={view() !== 'sessions'}>
              <Sessions transport={transport()} epoch={epoch()} refresh={refresh()} subscribe={subscribe} />
            </div>
            <Switch>
              <Match when={view() === 'extensions'}>
                <Extensions transport={transport()} remoteType={active()?.remoteType} workspaceId={active()?.openworkWorkspaceId} epoch={epoch() * 1000 + refresh()} />
              </Match>
              <Match when={view() === 'settings'}>
                <Settings appMode={appMode()} active={active()} conn={conn()} epoch={epoch()} onChanged={() => setEpoch(epoch() + 1)} />
                <Show when={!appMode()}>
                  <button onClick={signOut}>Forget this token</button>
                </Show>
              </Match>
            </Switch>
          </main>
        </Match>
      </Switch>

      <Show when={pickerOpen()}>
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Workspaces" onClick={(e) => e.target === e.currentTarget && setPickerOpen(false)}>
          <div class="dialog">
            <h2>Workspaces</h2>
            <ul class="list" data-testid="workspace-list">
              <For each={appMode() ? list().items : active() ? [active() as WorkspaceEntry] : []}>
                {(w) => (
                  <li class="row between">
                    <button class="item" classList={{ selected: w.id === active()?.id }} onClick={() => (appMode() ? switchTo(w) : setPickerOpen(false))}>
                      <span class={`badge ${badge(w).toLowerCase()}`}>{badge(w)}</span>
                      <span class="primary-line">{primaryLine(w)}</span>
                      <span class="secondary-line">{secondaryLine(w)}</span>
                    </button>
                    <Show when={appMode()}>
                      <button class="danger" aria-label={`Remove ${w.name}`} onClick={() => removeWs(w)}>Remove</button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <div class="row">
              <Show when={appMode()}>
                <button class="primary" onClick={() => { setPickerOpen(false); setModalOpen(true); }}>Add remote workspace</button>
              </Show>
              <button onClick={() => setPickerOpen(false)}>Close</button>
            </div>
          </div>
        </div>
      </Show>

      <Show when={modalOpen()}>
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Create remote workspace">
          <div class="dialog">
            <h2>Create remote workspace</h2>
            <ConnectForm mode="app" idPrefix="modal" submitLabel="Create" onSubmit={connect} onCancel={() => setModalOpen(false)} />
          </div>
        </div>
      </Show>
    </div>
  );
}
