import { createMemo, createSignal, For, Match, onCleanup, onMount, Show, Switch, createEffect, on } from 'solid-js';
import { detectMode, exchangePairing, storedToken, storeToken, type AppWorkspaceList, type ConnectInput, type Detected } from './lib/api';
import type { Workspace } from './lib/api-types';
import { badge, fallbackHint, headerLabel, needsPairing, primaryLine, reduceConn, secondaryLine, switchingLabel, takeTokenFromUrl, type ConnEvent, type ConnState, type WorkspaceEntry } from './lib/state';
import { activeWorkspace, createSupervisor, type Switching } from './lib/supervisor';
import { ConnectForm, HostFolderForm, PairAgainForm } from './components/ConnectForm';
import { Confirm } from './components/Confirm';
import { Sessions } from './components/Sessions';
import { Extensions } from './components/Extensions';
import { Settings } from './components/Settings';
import { Dialog } from './components/Dialog';
import { tabId, Tabs } from './components/Tabs';

type View = 'sessions' | 'extensions' | 'settings';
const VIEWS = [['sessions', 'Sessions'], ['extensions', 'Extensions'], ['settings', 'Settings']] as const;
const panelId = (v: View) => `panel-${v}`;

/** The page. The connection logic lives in lib/supervisor.ts; this keeps its
 *  state in signals and shows it. */
export function App() {
  const [detected, setDetected] = createSignal<Detected | null>(null);
  const [conn, setConn] = createSignal<ConnState>({ kind: 'idle' });
  const [list, setList] = createSignal<AppWorkspaceList>({ activeId: null, items: [] });
  const [hostWs, setHostWs] = createSignal<Workspace | null>(null);
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
  const [onboardingError, setOnboardingError] = createSignal<string | null>(null);
  /** The "Host a local folder" dialog (from the picker or Settings). */
  const [hostOpen, setHostOpen] = createSignal(false);
  /** A workspace switch under way: the "Switching to …" overlay. */
  const [switching, setSwitching] = createSignal<Switching | null>(null);

  const appMode = () => detected()?.mode === 'app';
  /** The active workspace (host-served page: the host's one workspace). */
  const active = createMemo(() => activeWorkspace(appMode() ? 'app' : 'host', list(), hostWs(), token(), location.origin));
  /** The host refused this device's credentials: the "pair again" screen. */
  const unpaired = () => {
    const d = detected();
    return d !== null && !(d.mode === 'app' && !d.signedIn) && needsPairing(conn(), d.mode === 'app' ? Boolean(active()) : Boolean(token()));
  };
  const showOnboarding = () => detected() !== null && !active() && conn().kind !== 'connecting' && !unpaired();
  const [confirmRemove, setConfirmRemove] = createSignal<WorkspaceEntry | null>(null);

  let toastTimer: number | undefined;
  const showToast = (m: string) => {
    setToast(m);
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => setToast(null), 5000);
  };

  const sup = createSupervisor({
    mode: () => (appMode() ? 'app' : 'host'),
    conn,
    dispatch: (e: ConnEvent) => setConn((s) => reduceConn(s, e)),
    list,
    setList,
    hostWorkspace: hostWs,
    setHostWorkspace: setHostWs,
    token,
    setToken,
    active,
    newEpoch: () => setEpoch(epoch() + 1),
    refreshViews: () => setRefresh(refresh() + 1),
    showSessions: () => setView('sessions'),
    toast: showToast,
    setSwitching,
  });
  const transport = createMemo(() => sup.transport());
  onCleanup(() => sup.stop());

  // Reconnect streams whenever the active workspace changes.
  createEffect(on(() => active()?.id, (id) => {
    if (id && conn().kind === 'connected') sup.restart();
  }));

  // ---- startup ------------------------------------------------------------
  onMount(async () => {
    const { token: fromUrl, pair, cleaned } = takeTokenFromUrl(location.href);
    if (fromUrl || pair) history.replaceState(null, '', cleaned);
    if (fromUrl) storeToken(fromUrl);
    if (pair) {
      // A one-time pairing link: this browser gets its own device token.
      try {
        storeToken((await exchangePairing(pair)).token);
      } catch (e) {
        setOnboardingError(`This pairing link no longer works (${(e as Error).message}). Ask for a new one on the host: openwork pair`);
      }
    }
    setToken(storedToken());
    const d = await detectMode();
    setDetected(d);
    const error = await sup.resume(d);
    if (error) setOnboardingError(error);
  });

  // ---- actions ------------------------------------------------------------
  // ---- focus ----------------------------------------------------------------
  let wsButton: HTMLButtonElement | undefined;
  /** The focus after the page changed under it (connected, signed out, a
   *  workspace removed): the heading of what is shown now, never <body>.
   *  (The headings it looks for have tabindex="-1".) */
  const mainHeading = () => document.querySelector<HTMLElement>('[role="tabpanel"]:not([hidden]) h2[tabindex="-1"], main h1[tabindex="-1"]');
  const focusMain = () => mainHeading()?.focus();
  /** Where a closed dialog leaves the focus when what opened it is gone. */
  const afterDialog = () => (wsButton?.isConnected ? wsButton : mainHeading());

  /** Connect (onboarding or the modal). Returns an inline error or null. */
  const connect = async (input: ConnectInput): Promise<string | null> => {
    const error = await sup.connect(input);
    if (error !== null) return error;
    // The modal gives the focus back to what opened it; onboarding is gone.
    if (modalOpen()) setModalOpen(false);
    else focusMain();
    return null;
  };

  /** Host a folder of this machine (onboarding, or the dialog). Returns an inline error or null. */
  const hostFolder = async (path: string): Promise<string | null> => {
    try {
      await sup.hostFolder(path);
    } catch (err) {
      return (err as Error).message;
    }
    // The dialog gives the focus back to what opened it; onboarding is gone.
    if (hostOpen()) setHostOpen(false);
    else focusMain();
    return null;
  };

  /** Forget a stored workspace (confirmed); the focus goes back to the picker (its list changed). */
  const removeWorkspace = async (w: WorkspaceEntry) => {
    await sup.remove(w);
    setConfirmRemove(null);
  };
  const pickerFocus = () => document.querySelector<HTMLElement>('[role="dialog"] button') ?? afterDialog();

  // The "pair again" screen takes the focus (what had it is gone).
  createEffect(on(unpaired, (u) => {
    if (u) queueMicrotask(() => document.querySelector<HTMLElement>('[data-testid="unpaired"] h1')?.focus());
  }));

  const switchTo = (w: WorkspaceEntry) => {
    setPickerOpen(false);
    void sup.switchTo(w);
  };

  const statusClass = () => conn().kind;
  /** The sections (tabs) are shown, not onboarding or a sign-in page. */
  const sectionsShown = () => {
    const d = detected();
    return d !== null && !(d.mode === 'app' && !d.signedIn) && !showOnboarding() && !unpaired();
  };

  return (
    <div class="app" classList={{ 'app-fill': sectionsShown() && view() === 'sessions' }}>
      <header class="header">
        <Show when={sectionsShown()} fallback={<span class="brand">OpenWork</span>}>
          <h1 class="brand">OpenWork</h1>
        </Show>
        <Show when={active()}>
          {(w) => (
            <button ref={wsButton} class="ws-button" aria-haspopup="dialog" onClick={() => setPickerOpen(true)} data-testid="workspace-button">
              <span class={`badge ${badge(w()).toLowerCase()}`}>{badge(w())}</span>
              <span class="ws-name">{secondaryLine(w())}</span>
            </button>
          )}
        </Show>
        <span class={`status ${statusClass()}`} role="status" data-testid="header-status">
          {headerLabel(conn())}
        </span>
        <Show when={fallbackHint(conn())}>
          <p class="hint" data-testid="fallback-hint">{fallbackHint(conn())}</p>
        </Show>
      </header>
      <Show when={toast()}>
        <div class="toast" role="status" data-testid="toast">{toast()}</div>
      </Show>

      <Switch>
        <Match when={detected() === null}>
          <main>
            <p class="muted center">Loading…</p>
          </main>
        </Match>
        <Match when={detected()?.mode === 'app' && !(detected() as { signedIn: boolean }).signedIn}>
          <main class="card narrow">
            <h1>Signed out</h1>
            <p>Run <code>openwork app</code> again on this machine: it opens a signed-in page. (A sign-in link works once, within a minute.)</p>
          </main>
        </Match>
        <Match when={unpaired()}>
          <main class="card narrow" data-testid="unpaired" aria-labelledby="unpaired-h">
            <h1 id="unpaired-h" tabindex="-1">Pair this device again</h1>
            <p data-testid="unpaired-message">
              This device is no longer paired — ask the host for a new pairing link (<code>openwork pair</code>).
            </p>
            <p class="muted">Open the new link on this device, or paste it (or an access token) here.</p>
            <Show
              when={appMode()}
              fallback={
                <>
                  <PairAgainForm onSubmit={async (text) => { const err = await sup.pairAgain(text); if (err === null) focusMain(); return err; }} />
                  <button type="button" onClick={() => { sup.signOut(); queueMicrotask(focusMain); }}>Forget this token</button>
                </>
              }
            >
              <ConnectForm mode="app" idPrefix="repair" submitLabel="Connect" initialUrl={active()?.openworkHostUrl} onSubmit={connect} />
            </Show>
          </main>
        </Match>
        <Match when={showOnboarding()}>
          <main class="onboarding" aria-label="Get started">
            <h1 tabindex="-1">Welcome to OpenWork</h1>
            <div class="choices">
              <section class="card" aria-labelledby="host-h">
                <h2 id="host-h">Host a local folder</h2>
                <Show
                  when={appMode()}
                  fallback={<p class="muted">This page is served by an OpenWork host. To host another folder, run <code>openwork workspace switch PATH</code> on the host.</p>}
                >
                  <p class="muted">Run OpenCode on this machine for a folder and share it with your other devices.</p>
                  <HostFolderForm idPrefix="host" onSubmit={hostFolder} />
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
          <nav>
            <Tabs class="tabs main-tabs" label="Sections" idPrefix="main" items={VIEWS} selected={view()} onSelect={setView} panelId={panelId} />
          </nav>
          <main class="main">
            {/* Sessions stay mounted (hidden) on the other tabs: what is open stays open. */}
            <div class="sessions-pane" role="tabpanel" id={panelId('sessions')} aria-labelledby={tabId('main', 'sessions')} hidden={view() !== 'sessions'}>
              <Sessions transport={transport()} workspaceKey={active()?.id ?? "default"} epoch={epoch()} refresh={refresh()} subscribe={sup.subscribe} />
            </div>
            <div role="tabpanel" id={panelId('extensions')} aria-labelledby={tabId('main', 'extensions')} hidden={view() !== 'extensions'}>
              <Show when={view() === 'extensions'}>
                <Extensions transport={transport()} remoteType={active()?.remoteType} workspaceId={active()?.openworkWorkspaceId} epoch={epoch() * 1000 + refresh()} />
              </Show>
            </div>
            <div role="tabpanel" id={panelId('settings')} aria-labelledby={tabId('main', 'settings')} hidden={view() !== 'settings'}>
              <Show when={view() === 'settings'}>
                <Settings appMode={appMode()} active={active()} conn={conn()} epoch={epoch()} onChanged={() => setEpoch(epoch() + 1)} />
                <Show when={appMode()}>
                  <section class="card" aria-labelledby="settings-host-h" data-testid="settings-host-folder">
                    <h3 id="settings-host-h">Host a local folder</h3>
                    <p class="muted">Run OpenCode on this machine for another folder and share it with your other devices.</p>
                    <button type="button" onClick={() => setHostOpen(true)}>Host a local folder…</button>
                  </section>
                </Show>
                <Show when={!appMode()}>
                  <button onClick={() => { sup.signOut(); focusMain(); }}>Forget this token</button>
                </Show>
              </Show>
            </div>
          </main>
        </Match>
      </Switch>

      <Show when={pickerOpen()}>
        <Dialog title="Workspaces" onClose={() => setPickerOpen(false)} closeOnBackdrop initialFocus=".item.selected" returnFocus={afterDialog}>
          <ul class="list" data-testid="workspace-list">
            <For each={appMode() ? list().items : active() ? [active() as WorkspaceEntry] : []}>
              {(w) => (
                <li class="row between">
                  <button class="item" classList={{ selected: w.id === active()?.id }} aria-current={w.id === active()?.id ? 'true' : undefined} onClick={() => (appMode() ? switchTo(w) : setPickerOpen(false))}>
                    <span class={`badge ${badge(w).toLowerCase()}`}>{badge(w)}</span>
                    <span class="primary-line">{primaryLine(w)}</span>
                    <span class="secondary-line">{secondaryLine(w)}</span>
                  </button>
                  <Show when={appMode()}>
                    <button class="danger" aria-label={`Remove ${w.name}`} onClick={() => setConfirmRemove(w)}>Remove</button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <div class="row">
            <Show when={appMode()}>
              <button class="primary" onClick={() => { setPickerOpen(false); setModalOpen(true); }}>Add remote workspace</button>
              <button onClick={() => { setPickerOpen(false); setHostOpen(true); }}>Host a local folder</button>
            </Show>
            <button onClick={() => setPickerOpen(false)}>Close</button>
          </div>
        </Dialog>
      </Show>

      <Show when={confirmRemove()}>
        {(w) => (
          <Confirm title="Remove this workspace?" confirmLabel="Remove" onConfirm={() => removeWorkspace(w())} onCancel={() => setConfirmRemove(null)} returnFocus={pickerFocus}>
            “{secondaryLine(w())}” ({primaryLine(w())}) is forgotten on this machine, with its stored credentials. The remote itself is not changed.
          </Confirm>
        )}
      </Show>

      <Show when={hostOpen()}>
        <Dialog title="Host a local folder" onClose={() => setHostOpen(false)} returnFocus={afterDialog}>
          <p class="muted">Run OpenCode on this machine for a folder and share it with your other devices.</p>
          <HostFolderForm idPrefix="hostdlg" onSubmit={hostFolder} onCancel={() => setHostOpen(false)} />
        </Dialog>
      </Show>

      {/* A workspace switch under way: said politely (not a focus trap), shown over the page. */}
      <p class="sr-only" role="status" aria-live="polite" data-testid="switch-status">{switching() ? switchingLabel(switching()!) : ''}</p>
      <Show when={switching()}>
        {(s) => (
          <div class="switch-overlay" data-testid="switch-overlay" aria-hidden="true">
            <div class="switch-card"><span class="spinner" />{switchingLabel(s())}</div>
          </div>
        )}
      </Show>

      <Show when={modalOpen()}>
        <Dialog title="Create remote workspace" onClose={() => setModalOpen(false)} returnFocus={afterDialog}>
          <ConnectForm mode="app" idPrefix="modal" submitLabel="Create" onSubmit={connect} onCancel={() => setModalOpen(false)} />
        </Dialog>
      </Show>
    </div>
  );
}
