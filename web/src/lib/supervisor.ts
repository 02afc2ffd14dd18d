// The connection supervisor: connects (onboarding, the modal, "Host a local
// folder"), verifies the active remote, keeps its event streams open and
// reconnects with backoff, follows a host's `workspace.switched`. No DOM and
// no Solid: the view (App.tsx) keeps the state in signals and hands it over
// as `SupervisorState`; the network comes in as `SupervisorIo`, so the tests
// drive it with fakes.
import {
  app,
  appTransport,
  exchangePairing,
  hostApi,
  hostTransport,
  remote,
  storeToken,
  type AppWorkspaceList,
  type ConnectInput,
  type ConnectResult,
  type Detected,
  type HostEvent,
  type HostOk,
  type Mode,
  type Transport,
  type WorkspaceSwitched,
} from './api';
import type { Workspace } from './api-types';
import { HttpError } from './errors';
import { streamSse } from './sse';
import { backoffDelay, GIVE_UP_AFTER, parsePairingInput, type ConnEvent, type ConnState, type WorkspaceEntry } from './state';

/** How long "Switching to …" waits for the host's new folder to answer before the views go there anyway. */
const FOLDER_WAIT_MS = 15_000;

/** An OpenCode event (`/opencode/event`), handed to the views as is. */
export type OcEvent = { type?: string; properties?: unknown };

/** What the supervisor reads and changes; the view keeps it. */
export interface SupervisorState {
  /** Served by the app backend, or by a host. */
  mode(): Mode;
  conn(): ConnState;
  /** Apply a transition of the connection state machine (`reduceConn`). */
  dispatch(e: ConnEvent): void;
  /** App mode: the stored workspaces. */
  list(): AppWorkspaceList;
  setList(l: AppWorkspaceList): void;
  /** Host mode: the host's active workspace. */
  hostWorkspace(): Workspace | null;
  setHostWorkspace(w: Workspace | null): void;
  /** Host mode: the client token in use. */
  token(): string | null;
  setToken(t: string | null): void;
  /** The active workspace (`activeWorkspace` of the above). */
  active(): WorkspaceEntry | undefined;
  /** Another workspace or connection: the views start over. */
  newEpoch(): void;
  /** The same workspace changed under us (config, engine restart, a
   *  reconnect that may have missed events): the views reload in place. */
  refreshViews(): void;
  /** A new connection opens on the sessions view. */
  showSessions(): void;
  toast(message: string): void;
  /** The "Switching to …" overlay: set while another workspace is being
   *  connected (a pick, a hosted folder, a followed host switch), null
   *  once it is connected or failed. */
  setSwitching(s: Switching | null): void;
}

/** A workspace switch under way: the name of where it goes. */
export interface Switching {
  to: string;
}

/** The outside world of the supervisor. */
export interface SupervisorIo {
  app: Pick<typeof app, 'status' | 'follow' | 'workspaces' | 'connect' | 'activate' | 'remove' | 'hostFolder'>;
  /** The host's `GET /workspaces` through `t`. */
  hostWorkspaces(t: Transport): Promise<HostOk<'/workspaces', 'get'>>;
  /** Resolves once the host's active folder answers through its proxy
   *  (OpenCode sets a folder up on its first request: seconds on a busy machine). */
  folderReady(t: Transport): Promise<unknown>;
  streamSse: typeof streamSse;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Delay before reconnect `attempt` (1, 2, ...). */
  backoffDelay(attempt: number): number;
  /** Keep (or forget) the host-mode client token. */
  storeToken(t: string | null): void;
  /** Host mode: a one-time pairing code for this browser's own device token
   *  (`exchangePairing` by default). */
  exchangePairing?: (code: string) => Promise<{ token: string }>;
  /** Whether connecting to a stored workspace fell back to a direct OpenCode. */
  fallback: { get(id: string): boolean; set(id: string, viaFallback: boolean): void };
}

const FALLBACK_KEY = 'openwork.fallback';

/** The browser: fetch, timers, localStorage (token; the fallback flag of
 *  each stored workspace, so the hint is back after a reload or in another
 *  tab of the app). */
export const browserIo: SupervisorIo = {
  app,
  hostWorkspaces: (t) => hostApi.workspaces(t),
  folderReady: (t) => remote(t, '/opencode/path'),
  streamSse,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    }),
  backoffDelay: (attempt) => backoffDelay(attempt),
  storeToken,
  fallback: {
    get: (id) => {
      try {
        return localStorage.getItem(`${FALLBACK_KEY}.${id}`) === '1';
      } catch {
        return false;
      }
    },
    set: (id, viaFallback) => {
      try {
        if (viaFallback) localStorage.setItem(`${FALLBACK_KEY}.${id}`, '1');
        else localStorage.removeItem(`${FALLBACK_KEY}.${id}`);
      } catch {
        /* storage disabled */
      }
    },
  },
};

/** The active workspace: app mode, the stored one marked active; host mode,
 *  the host's one workspace, as an entry of the host at `origin`. */
export function activeWorkspace(
  mode: Mode,
  list: AppWorkspaceList,
  hostWs: Workspace | null,
  token: string | null,
  origin: string,
): WorkspaceEntry | undefined {
  if (mode === 'app') return list.items.find((w) => w.id === list.activeId);
  if (!hostWs) return undefined;
  return {
    id: hostWs.id,
    name: hostWs.name,
    workspaceType: 'remote',
    remoteType: 'openwork',
    openworkHostUrl: origin,
    openworkWorkspaceId: hostWs.id,
    openworkWorkspaceName: hostWs.name,
    opencodeDirectory: hostWs.path,
    hasToken: Boolean(token),
  };
}

/** The host refused the credentials: 401/403, or 429 `too_many_requests`,
 *  which the host's failed-auth limiter answers instead of 401 once a
 *  network made many failed attempts (a valid token is never slowed, so a
 *  429 on these calls means the token is not valid). */
const refused = (e: unknown): e is HttpError =>
  e instanceof HttpError && (e.status === 401 || e.status === 403 || (e.status === 429 && e.code === 'too_many_requests'));

export type Supervisor = ReturnType<typeof createSupervisor>;

export function createSupervisor(state: SupervisorState, io: SupervisorIo = browserIo) {
  const host = hostTransport(() => state.token());
  /** How to reach the active remote (one object per mode, so views keep it). */
  const transport = (): Transport => (state.mode() === 'app' ? appTransport : host);

  const listeners = new Set<(ev: OcEvent) => void>();
  /** Register for OpenCode events; returns an unsubscribe function. */
  const subscribe = (fn: (ev: OcEvent) => void) => {
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  };

  /** Check the active remote; dispatches connected / failed. Throws on a transient failure. */
  const verify = async (): Promise<void> => {
    if (state.mode() === 'app') {
      const s = await io.app.status();
      if (s.state === 'connected' && s.remoteType) {
        const id = state.active()?.id;
        state.dispatch({ type: 'connected', remoteType: s.remoteType, viaFallback: id !== undefined && io.fallback.get(id) });
        if (s.hostWorkspaceChanged) await follow('The host switched workspace.');
        return;
      }
      if (s.state === 'auth_failed' || s.state === 'wrong_password' || s.state === 'needs_password') {
        state.dispatch({ type: 'failed', reason: s.message ?? s.state, authFailed: true });
        return;
      }
      throw new Error(s.message ?? s.state);
    }
    const started = generation;
    try {
      const w = await io.hostWorkspaces(transport());
      const prev = state.hostWorkspace();
      if (prev && prev.id !== w.active.id) await followHostSwitch(w.active);
      else state.setHostWorkspace(w.active);
      if (started !== generation) return; // the user chose meanwhile (signed out, connected elsewhere)
      state.dispatch({ type: 'connected', remoteType: 'openwork', viaFallback: false });
    } catch (e) {
      if (refused(e)) {
        state.dispatch({ type: 'failed', reason: 'The access token was refused.', authFailed: true });
        return;
      }
      throw e;
    }
  };

  /** The user's own choices (a pick in the picker, connect, remove, sign
   *  out) bump this generation: a follow started under an older one is
   *  dropped, so a user's pick always wins over a pending follow. */
  let generation = 0;
  /** The follow request in flight (app mode), settled either way: a pick
   *  waits for it, so the app backend sees the pick last. */
  let following: Promise<unknown> = Promise.resolve();
  /** A user's choice: later than any follow in flight. Resolves once that
   *  follow's request is done (its answer is then dropped). */
  const userChoice = async (): Promise<void> => {
    generation += 1;
    await following;
  };

  /** The overlay of the latest switch: shown now; the returned function
   *  hides it unless a later switch took over. */
  let switchSeq = 0;
  const beginSwitch = (to: string): (() => void) => {
    const mine = ++switchSeq;
    state.setSwitching({ to });
    return () => {
      if (mine === switchSeq) state.setSwitching(null);
    };
  };

  /** Host mode: the switch to `ws` being followed (a verify that sees the
   *  same switch joins it instead of starting another). */
  let hostSwitch: { id: string; done: Promise<void> } | null = null;
  /** Host mode: the host now serves `ws` (noticed on reconnect or announced):
   *  "Switching to …" until its folder answers (at most FOLDER_WAIT_MS),
   *  then the views start over there; dropped if the user chose meanwhile. */
  const followHostSwitch = (ws: Workspace): Promise<void> => {
    if (hostSwitch?.id === ws.id) return hostSwitch.done;
    const started = generation;
    const mine = { id: ws.id, done: Promise.resolve() };
    mine.done = (async () => {
      const end = beginSwitch(ws.name);
      try {
        await Promise.race([io.folderReady(transport()).catch(() => undefined), new Promise((r) => setTimeout(r, FOLDER_WAIT_MS))]);
        if (started !== generation) return;
        state.setHostWorkspace(ws);
        state.toast(`The host switched to “${ws.name}”. Reconnected.`);
        state.newEpoch();
      } finally {
        end();
        if (hostSwitch === mine) hostSwitch = null;
      }
    })();
    hostSwitch = mine;
    return mine.done;
  };

  /** The host switched workspace: app mode, the app re-runs the handshake and
   *  stores the new workspace; host mode, verify picks it up. `started`: the
   *  generation the follow belongs to (a stream's round passes its own). */
  const follow = async (why: string, started: number = generation, to?: string): Promise<void> => {
    if (started !== generation) return;
    const done = beginSwitch(to ?? 'the host’s new workspace');
    try {
      if (state.mode() === 'app') {
        const req = io.app.follow();
        following = req.catch(() => undefined);
        const r = await req;
        if (started !== generation) return; // the user picked meanwhile: the pick wins
        const l = await io.app.workspaces();
        if (started !== generation) return;
        state.setList(l);
        state.toast(`${why} Reconnected to “${r.workspace.openworkWorkspaceName ?? r.workspace.name}”.`);
        state.newEpoch();
      } else {
        // verify() starts the views over if the workspace changed.
        await verify();
      }
    } finally {
      done();
    }
  };

  const onHostEvent = (ev: HostEvent, roundGeneration: number) => {
    if (ev.type === 'workspace.switched') {
      const to = (ev.properties as Partial<WorkspaceSwitched> | null)?.to;
      void follow(`The host switched to “${to?.name ?? 'another folder'}”.`, roundGeneration, to?.name).catch(() => { /* the streams' round reports failures */ });
    }
    if (ev.type === 'engine.state' || ev.type === 'config.changed' || ev.type === 'engine.reload') state.refreshViews();
  };

  /** Keep the OpenCode and host event streams open; reconnect with backoff.
   *  Both streams of one round share an AbortController, so a round never
   *  leaves a stream behind. A stream that ends (OpenCode reloads the
   *  workspace after every extension change) is reopened at once and quietly;
   *  only when that fails does the header say "Connecting…". */
  const supervise = async (signal: AbortSignal): Promise<void> => {
    let attempt = 0;
    while (!signal.aborted) {
      const t = transport();
      const roundGeneration = generation;
      const round = new AbortController();
      const endRound = () => round.abort();
      signal.addEventListener('abort', endRound, { once: true });
      const init: RequestInit = { headers: t.headers(), credentials: 'same-origin' };
      const streams: Promise<void>[] = [
        io.streamSse(`${t.remoteBase}/opencode/event`, init, (m) => {
          attempt = 0;
          try {
            const ev = JSON.parse(m.data) as OcEvent;
            for (const l of listeners) l(ev);
          } catch {
            /* not JSON */
          }
        }, round.signal),
      ];
      if (state.active()?.remoteType === 'openwork') {
        streams.push(
          io.streamSse(`${t.remoteBase}/events`, init, (m) => {
            let ev: unknown;
            try {
              ev = JSON.parse(m.data);
            } catch {
              return; // not JSON
            }
            if (ev !== null && typeof ev === 'object') onHostEvent(ev as HostEvent, roundGeneration);
          }, round.signal, () => {
            // Subscribed now: a switch the host announced before this
            // (while the round was being opened) is caught by asking.
            if (roundGeneration === generation && !round.signal.aborted) void verify().catch(() => undefined);
          }),
        );
      }
      for (const st of streams) st.catch(() => { /* reported through the race below */ });
      try {
        await Promise.race(streams);
      } catch (e) {
        if (signal.aborted) return;
        if (refused(e) && e.code !== 'forbidden') {
          state.dispatch({ type: 'failed', reason: 'The access token was refused.', authFailed: true });
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
        state.dispatch({ type: 'lost', reason: 'connection lost' });
        if (attempt >= GIVE_UP_AFTER) state.dispatch({ type: 'giveUp', reason: 'The remote does not answer.' });
        await io.sleep(io.backoffDelay(attempt - 1), signal);
      }
      try {
        await verify();
        const c = state.conn();
        if (c.kind === 'disconnected' && c.authFailed) return;
        // Events may have been missed while the streams were down.
        state.refreshViews();
      } catch {
        /* try again */
      }
    }
  };

  let running: AbortController | null = null;
  /** (Re)open the event streams of the active remote. */
  const restart = () => {
    running?.abort();
    running = new AbortController();
    void supervise(running.signal);
  };
  /** Close the event streams. */
  const stop = () => {
    running?.abort();
  };

  /** At start-up (after the mode is known): reconnect to the workspace the
   *  page had. Returns the error for the onboarding form, if any. */
  const resume = async (d: Detected): Promise<string | null> => {
    if (d.mode === 'app' && !d.signedIn) return null;
    if (d.mode === 'app') state.setList(await io.app.workspaces());
    if ((d.mode === 'app' && state.list().activeId) || (d.mode === 'host' && state.token())) {
      state.dispatch({ type: 'connect', remoteType: state.active()?.remoteType });
      try {
        await verify();
      } catch (e) {
        state.dispatch({ type: 'failed', reason: (e as Error).message });
      }
      if (state.conn().kind === 'connected') restart();
      else if (d.mode === 'host') return 'The access token was refused. Paste the current client token.';
    }
    return null;
  };

  /** App mode: the app stored and proved a new active workspace. */
  const adopt = async (r: ConnectResult) => {
    io.fallback.set(r.workspace.id, r.fallback);
    state.setList(await io.app.workspaces());
    state.dispatch({ type: 'connected', remoteType: r.remoteType, viaFallback: r.fallback });
    state.newEpoch();
    state.showSessions();
    restart();
  };

  /** Connect (onboarding or the modal). Resolves to an inline error, or null when connected. */
  const connect = async (input: ConnectInput): Promise<string | null> => {
    await userChoice();
    if (state.mode() !== 'app') {
      const t = input.token ?? '';
      if (!t) return 'Enter the access token.';
      const prev = state.token();
      state.setToken(t);
      try {
        const w = await io.hostWorkspaces(hostTransport(() => t));
        io.storeToken(t);
        state.setHostWorkspace(w.active);
        state.dispatch({ type: 'connected', remoteType: 'openwork', viaFallback: false });
        state.newEpoch();
        restart();
        return null;
      } catch (e) {
        state.setToken(prev);
        if (refused(e)) return 'This host refused the access token. Check the client token and try again.';
        return (e as Error).message;
      }
    }
    try {
      await adopt(await io.app.connect(input));
      return null;
    } catch (e) {
      if (e instanceof HttpError && e.code === 'auth_failed') return `The host refused the access token (HTTP ${e.status === 401 ? 401 : 403}). Nothing was saved.`;
      return (e as Error).message;
    }
  };

  /** Host mode, the "pair again" screen: a new pairing link (exchanged for a
   *  device token of this browser) or a token. Resolves to an inline error,
   *  or null when connected. */
  const pairAgain = async (text: string): Promise<string | null> => {
    const got = parsePairingInput(text);
    if (!got) return 'Paste the new pairing link (…/?pair=…) or an access token.';
    let token: string;
    if ('pair' in got) {
      try {
        token = (await (io.exchangePairing ?? exchangePairing)(got.pair)).token;
      } catch (e) {
        return `This pairing link does not work (${(e as Error).message}). Ask the host for a new one: openwork pair`;
      }
    } else {
      token = got.token;
    }
    return connect({ url: '', token });
  };

  /** App mode: host a folder of this machine and connect to it. Throws on failure. */
  const hostFolder = async (path: string): Promise<void> => {
    await userChoice();
    const done = beginSwitch(path.trim().replace(/\/+$/, '').split('/').pop() || path);
    try {
      await adopt(await io.app.hostFolder(path));
    } finally {
      done();
    }
    state.toast('Hosting this folder. Open Settings for the pairing link.');
  };

  /** App mode: make another stored workspace the active one. */
  const switchTo = async (w: WorkspaceEntry): Promise<void> => {
    const name = w.openworkWorkspaceName ?? w.name;
    const done = beginSwitch(name);
    state.dispatch({ type: 'connect', remoteType: w.remoteType });
    try {
      await userChoice();
      state.setList(await io.app.activate(w.id));
      await verify();
    } catch (err) {
      state.dispatch({ type: 'failed', reason: (err as Error).message });
      state.toast(`Could not switch to “${name}”: ${(err as Error).message}`);
    } finally {
      done();
    }
    state.newEpoch();
    restart();
  };

  /** App mode: forget a stored workspace. */
  const remove = async (w: WorkspaceEntry): Promise<void> => {
    await userChoice();
    state.setList(await io.app.remove(w.id));
    if (!state.list().activeId) {
      stop();
      state.dispatch({ type: 'reset' });
    }
  };

  /** Host mode: forget the token. */
  const signOut = () => {
    generation += 1;
    io.storeToken(null);
    state.setToken(null);
    state.setHostWorkspace(null);
    stop();
    state.dispatch({ type: 'reset' });
  };

  return { transport, subscribe, verify, follow, restart, stop, resume, connect, pairAgain, hostFolder, switchTo, remove, signOut };
}
