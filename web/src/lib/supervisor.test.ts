import { describe, expect, it, vi } from 'vitest';
import type { AppWorkspaceList, ConnectResult, Mode, Transport } from './api';
import type { Workspace, WorkspaceList } from './api-types';
import { HttpError } from './errors';
import type { SseMessage } from './sse';
import { reduceConn, GIVE_UP_AFTER, type ConnState, type WorkspaceEntry } from './state';
import { activeWorkspace, createSupervisor, type OcEvent, type SupervisorIo, type SupervisorState, type Switching } from './supervisor';

const ORIGIN = 'http://host:8787';
const ws = (id: string, name: string): Workspace => ({
  id, name, path: `/srv/${name}`, workspaceType: 'local', opencode: { baseUrl: `${ORIGIN}/opencode`, directory: `/srv/${name}` },
});
const listing = (w: Workspace): WorkspaceList => ({ active: w, items: [w] });
const entry = (id: string, remoteType: 'openwork' | 'opencode' = 'openwork'): WorkspaceEntry => ({
  id, name: id, workspaceType: 'remote', remoteType, openworkWorkspaceName: `${id}-name`,
});
const connectResult = (w: WorkspaceEntry, fallback = false): ConnectResult => ({
  remoteType: w.remoteType ?? 'opencode', fallback, notOpenWork: null, sessions: 0, workspace: w,
});

/** One fake SSE stream: the test sends messages, ends or fails it. */
interface FakeStream {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  send(data: unknown): void;
  end(): void;
  fail(e: unknown): void;
}

/** The supervisor against in-memory state (the real `reduceConn`) and fake io. */
function harness(mode: Mode, opts: { hostWs?: (Workspace | Error)[]; token?: string | null; list?: AppWorkspaceList; announceOpen?: boolean } = {}) {
  let conn: ConnState = { kind: 'idle' };
  let list: AppWorkspaceList = opts.list ?? { activeId: null, items: [] };
  let hostWs: Workspace | null = null;
  let token: string | null = opts.token ?? null;
  const seen = { toasts: [] as string[], epochs: 0, refreshes: 0, sessionsShown: 0, stored: [] as (string | null)[], fallback: new Map<string, boolean>(), switching: [] as (Switching | null)[] };
  const state: SupervisorState = {
    mode: () => mode,
    conn: () => conn,
    dispatch: (e) => { conn = reduceConn(conn, e); },
    list: () => list,
    setList: (l) => { list = l; },
    hostWorkspace: () => hostWs,
    setHostWorkspace: (w) => { hostWs = w; },
    token: () => token,
    setToken: (t) => { token = t; },
    active: () => activeWorkspace(mode, list, hostWs, token, ORIGIN),
    newEpoch: () => { seen.epochs += 1; },
    refreshViews: () => { seen.refreshes += 1; },
    showSessions: () => { seen.sessionsShown += 1; },
    toast: (m) => { seen.toasts.push(m); },
    setSwitching: (v) => { seen.switching.push(v); },
  };
  const streams: FakeStream[] = [];
  /** `/workspaces` answers, in order (the last one repeats); an Error is thrown. */
  const hostAnswers: (Workspace | Error)[] = [...(opts.hostWs ?? [])];
  const hostCalls: Record<string, string>[] = [];
  const sleeps: number[] = [];
  /** `folderReady` waits for this (the test releases it). */
  let folderGate: Promise<void> = Promise.resolve();
  const folderCalls: string[] = [];
  const io: SupervisorIo = {
    app: {
      status: vi.fn(async () => ({ state: 'connected', remoteType: 'openwork' as const })),
      follow: vi.fn(async () => connectResult(entry('followed'))),
      workspaces: vi.fn(async () => list),
      connect: vi.fn(async () => connectResult(entry('new'))),
      activate: vi.fn(async (id: string) => ({ ...list, activeId: id })),
      remove: vi.fn(async (id: string) => ({ activeId: list.activeId === id ? null : list.activeId, items: list.items.filter((w) => w.id !== id) })),
      hostFolder: vi.fn(async () => connectResult(entry('hosted'))),
    },
    hostWorkspaces: async (t: Transport) => {
      hostCalls.push(t.headers());
      const a = hostAnswers.length > 1 ? hostAnswers.shift() : hostAnswers[0];
      if (a === undefined) throw new Error('no answer');
      if (a instanceof Error) throw a;
      return listing(a);
    },
    folderReady: async (t: Transport) => {
      folderCalls.push(t.remoteBase);
      await folderGate;
    },
    streamSse: (url, init, onMessage: (m: SseMessage) => void, signal, onOpen) =>
      new Promise<void>((resolve, reject) => {
        const s: FakeStream = {
          url, headers: init.headers as Record<string, string>, signal,
          send: (data) => onMessage({ data: typeof data === 'string' ? data : JSON.stringify(data) }),
          end: resolve, fail: reject,
        };
        streams.push(s);
        // (Most tests leave the opening out: it asks the host once more.)
        if (opts.announceOpen) queueMicrotask(() => onOpen?.());
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
      }),
    sleep: async (ms) => { sleeps.push(ms); },
    backoffDelay: (attempt) => attempt * 100,
    storeToken: (t) => { seen.stored.push(t); },
    fallback: { get: (id) => seen.fallback.get(id) ?? false, set: (id, v) => { seen.fallback.set(id, v); } },
  };
  const sup = createSupervisor(state, io);
  /** Streams not aborted, by path. */
  const live = (path: string) => streams.filter((s) => !s.signal.aborted && s.url.endsWith(path));
  const one = async (path: string) => {
    await vi.waitFor(() => expect(live(path)).toHaveLength(1));
    return live(path)[0]!;
  };
  const holdFolder = () => {
    let release!: () => void;
    folderGate = new Promise((r) => { release = r; });
    return release;
  };
  return { sup, io, seen, streams, live, one, sleeps, hostAnswers, hostCalls, folderCalls, holdFolder, conn: () => conn, list: () => list, hostWs: () => hostWs, token: () => token };
}

describe('active workspace', () => {
  it('host mode: the host workspace as an OpenWork entry of this origin', () => {
    expect(activeWorkspace('host', { activeId: null, items: [] }, ws('ws_1', 'alpha'), 'tok', ORIGIN)).toEqual({
      id: 'ws_1', name: 'alpha', workspaceType: 'remote', remoteType: 'openwork', openworkHostUrl: ORIGIN,
      openworkWorkspaceId: 'ws_1', openworkWorkspaceName: 'alpha', opencodeDirectory: '/srv/alpha', hasToken: true,
    });
    expect(activeWorkspace('host', { activeId: null, items: [] }, null, 'tok', ORIGIN)).toBeUndefined();
  });
  it('app mode: the stored entry marked active', () => {
    const l = { activeId: 'b', items: [entry('a'), entry('b')] };
    expect(activeWorkspace('app', l, ws('ws_1', 'alpha'), null, ORIGIN)?.id).toBe('b');
    expect(activeWorkspace('app', { ...l, activeId: null }, null, null, ORIGIN)).toBeUndefined();
  });
});

describe('host mode', () => {
  it('resume with a stored token: verify, connect, open both streams with the bearer token', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    expect(await h.sup.resume({ mode: 'host' })).toBeNull();
    expect(h.conn()).toEqual({ kind: 'connected', remoteType: 'openwork', viaFallback: false });
    expect(h.hostWs()?.id).toBe('ws_1');
    const oc = await h.one('/opencode/event');
    const ev = await h.one('/events');
    expect(oc.url).toBe('/opencode/event');
    expect(ev.headers).toEqual({ authorization: 'Bearer tok' });
    h.sup.stop();
    expect(h.live('')).toHaveLength(0);
  });

  it('resume with a refused token: disconnected, the onboarding form says so', async () => {
    const h = harness('host', { token: 'old', hostWs: [new HttpError(401, 'unauthorized', 'no')] });
    expect(await h.sup.resume({ mode: 'host' })).toMatch(/access token was refused/);
    expect(h.conn()).toMatchObject({ kind: 'disconnected', authFailed: true });
    expect(h.streams).toHaveLength(0);
  });

  it('resume while the host slows down failed attempts (429): the token is refused, not a network error', async () => {
    // The failed-auth limiter answers 429 instead of 401 once a network made
    // many failed attempts; a valid token is never slowed.
    const h = harness('host', { token: 'old', hostWs: [new HttpError(429, 'too_many_requests', 'too many failed authentication attempts; wait a minute')] });
    expect(await h.sup.resume({ mode: 'host' })).toMatch(/access token was refused/);
    expect(h.conn()).toMatchObject({ kind: 'disconnected', authFailed: true });
  });

  it('resume without a token does nothing', async () => {
    const h = harness('host');
    expect(await h.sup.resume({ mode: 'host' })).toBeNull();
    expect(h.conn()).toEqual({ kind: 'idle' });
  });

  it('OpenCode events reach every subscriber until it unsubscribes; other data is ignored', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    const a: OcEvent[] = [];
    const b: OcEvent[] = [];
    h.sup.subscribe((e) => a.push(e));
    const unsubscribe = h.sup.subscribe((e) => b.push(e));
    await h.sup.resume({ mode: 'host' });
    const oc = await h.one('/opencode/event');
    oc.send({ type: 'session.idle', properties: { sessionID: 's' } });
    unsubscribe();
    oc.send('not json');
    oc.send({ type: 'session.updated' });
    expect(a.map((e) => e.type)).toEqual(['session.idle', 'session.updated']);
    expect(b.map((e) => e.type)).toEqual(['session.idle']);
    h.sup.stop();
  });

  it('engine and config events refresh the views', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    const ev = await h.one('/events');
    for (const type of ['engine.state', 'config.changed', 'engine.reload', 'approval.requested']) ev.send({ id: 1, type, properties: {}, time: 0 });
    ev.send('garbage');
    ev.send(null);
    expect(h.seen.refreshes).toBe(3);
    expect(h.live('/events')).toHaveLength(1);
    h.sup.stop();
  });

  it('workspace.switched: follows the host to its new workspace (toast, views start over)', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha'), ws('ws_2', 'beta')] });
    await h.sup.resume({ mode: 'host' });
    const epochs = h.seen.epochs;
    const ev = await h.one('/events');
    ev.send({ id: 7, type: 'workspace.switched', properties: { from: { id: 'ws_1', name: 'alpha', path: '/srv/alpha' }, to: { id: 'ws_2', name: 'beta', path: '/srv/beta' } }, time: 0 });
    await vi.waitFor(() => expect(h.hostWs()?.id).toBe('ws_2'));
    await vi.waitFor(() => expect(h.seen.epochs).toBe(epochs + 1));
    expect(h.seen.toasts).toEqual(['The host switched to “beta”. Reconnected.']);
    expect(h.conn()).toMatchObject({ kind: 'connected', remoteType: 'openwork' });
    expect(h.seen.switching.at(-1)).toBeNull();
    h.sup.stop();
  });

  /** A host-mode page connected to 'alpha' whose host now serves 'beta'
   *  (the next `/workspaces` says so), the new folder's answer held. */
  const hostAboutToSwitch = async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha'), ws('ws_2', 'beta')] });
    await h.sup.resume({ mode: 'host' });
    return { h, epochs: h.seen.epochs, release: h.holdFolder() };
  };

  it('a host switch announced while the streams were being opened is caught once they are open', async () => {
    // The host answers alpha at start-up, beta by the time the streams are subscribed.
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha'), ws('ws_2', 'beta')], announceOpen: true });
    await h.sup.resume({ mode: 'host' });
    await vi.waitFor(() => expect(h.hostWs()?.id).toBe('ws_2'));
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toBeNull());
    expect(h.seen.switching).toContainEqual({ to: 'beta' });
    expect(h.seen.toasts).toEqual(['The host switched to “beta”. Reconnected.']);
    h.sup.stop();
  });

  it('one host switch, announced and noticed on reconnect at once, is followed once', async () => {
    const { h, epochs, release } = await hostAboutToSwitch();
    (await h.one('/events')).send({ id: 9, type: 'workspace.switched', properties: { to: { id: 'ws_2', name: 'beta', path: '/b' } }, time: 0 });
    (await h.one('/opencode/event')).end();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toEqual({ to: 'beta' }));
    release();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toBeNull());
    await vi.waitFor(() => expect(h.hostWs()?.id).toBe('ws_2'));
    expect(h.seen.epochs).toBe(epochs + 1);
    expect(h.seen.toasts).toEqual(['The host switched to “beta”. Reconnected.']);
    h.sup.stop();
  });

  it('a host switch being followed is dropped when the user signs out meanwhile', async () => {
    const { h, epochs, release } = await hostAboutToSwitch();
    (await h.one('/opencode/event')).end();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toEqual({ to: 'beta' }));
    h.sup.signOut();
    release();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toBeNull());
    expect(h.seen.epochs - epochs).toBeLessThanOrEqual(1); // (sign-out's own)
    expect(h.seen.toasts).toEqual([]);
    expect(h.conn().kind).not.toBe('connected');
  });

  it('a host switch noticed on reconnect (its announcement lost with the old streams) shows "Switching to" until the new folder answers', async () => {
    const { h, epochs, release } = await hostAboutToSwitch();
    // The old folder's OpenCode stream ends before the announcement arrives.
    (await h.one('/opencode/event')).end();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toEqual({ to: 'beta' }));
    expect(h.seen.epochs).toBe(epochs);
    expect(h.folderCalls.length).toBeGreaterThan(0);
    release();
    await vi.waitFor(() => expect(h.seen.switching.at(-1)).toBeNull());
    expect(h.seen.epochs).toBe(epochs + 1);
    expect(h.seen.toasts).toEqual(['The host switched to “beta”. Reconnected.']);
    h.sup.stop();
  });

  it('a stream that ends is reopened at once and quietly; ending again is a lost connection with backoff', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    const first = await h.one('/opencode/event');
    first.end();
    await vi.waitFor(() => expect(h.streams.filter((s) => s.url.endsWith('/opencode/event'))).toHaveLength(2));
    expect(h.conn().kind).toBe('connected');
    expect(h.sleeps).toEqual([]);
    expect(h.seen.refreshes).toBe(1); // events may have been missed meanwhile
    // The reopened round: the host-events stream ends this time, with no OpenCode message between.
    (await h.one('/events')).end();
    await vi.waitFor(() => expect(h.streams.filter((s) => s.url.endsWith('/opencode/event'))).toHaveLength(3));
    expect(h.sleeps).toEqual([100]);
    expect(h.conn()).toMatchObject({ kind: 'connected' }); // verify succeeded again
    // An OpenCode message resets the count: the next end is quiet again.
    const third = await h.one('/opencode/event');
    third.send({ type: 'server.heartbeat' });
    third.end();
    await vi.waitFor(() => expect(h.streams.filter((s) => s.url.endsWith('/opencode/event'))).toHaveLength(4));
    expect(h.sleeps).toEqual([100]);
    h.sup.stop();
  });

  it('a remote that keeps failing: connecting, then disconnected after GIVE_UP_AFTER attempts; retries go on', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    h.hostAnswers.splice(0, h.hostAnswers.length, new Error('unreachable'));
    const kinds: string[] = [];
    for (let i = 1; i <= GIVE_UP_AFTER + 1; i += 1) {
      (await h.one('/opencode/event')).fail(new TypeError('network'));
      await vi.waitFor(() => expect(h.streams.filter((s) => s.url.endsWith('/opencode/event'))).toHaveLength(i + 1));
      kinds.push(h.conn().kind);
    }
    expect(kinds).toEqual(['connected', 'connecting', 'connecting', 'disconnected', 'disconnected']);
    expect(h.sleeps).toEqual([100, 200, 300, 400]);
    h.sup.stop();
  });

  it('a refused token on a stream stops the supervisor; a 403 `forbidden` does not', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    (await h.one('/events')).fail(new HttpError(403, 'forbidden', 'not this'));
    await vi.waitFor(() => expect(h.streams.filter((s) => s.url.endsWith('/events'))).toHaveLength(2));
    expect(h.conn()).toMatchObject({ kind: 'connected' });
    (await h.one('/events')).fail(new HttpError(401, 'unauthorized', 'no'));
    await vi.waitFor(() => expect(h.conn()).toMatchObject({ kind: 'disconnected', authFailed: true, reason: 'The access token was refused.' }));
    expect(h.live('')).toHaveLength(0);
    expect(h.streams).toHaveLength(4);
  });

  it('connect: needs a token; a refused one is not kept; an accepted one is stored and streamed with', async () => {
    const h = harness('host', { hostWs: [new HttpError(401, 'unauthorized', 'no')] });
    expect(await h.sup.connect({ url: ORIGIN })).toBe('Enter the access token.');
    expect(await h.sup.connect({ url: ORIGIN, token: 'bad' })).toBe('This host refused the access token. Check the client token and try again.');
    expect(h.token()).toBeNull();
    expect(h.seen.stored).toEqual([]);
    h.hostAnswers.splice(0, h.hostAnswers.length, ws('ws_1', 'alpha'));
    expect(await h.sup.connect({ url: ORIGIN, token: 'good' })).toBeNull();
    expect(h.hostCalls.at(-1)).toEqual({ authorization: 'Bearer good' });
    expect([h.token(), h.seen.stored, h.hostWs()?.id, h.conn().kind]).toEqual(['good', ['good'], 'ws_1', 'connected']);
    expect((await h.one('/events')).headers).toEqual({ authorization: 'Bearer good' });
    h.sup.signOut();
    expect([h.token(), h.seen.stored, h.hostWs(), h.conn()]).toEqual([null, ['good', null], null, { kind: 'idle' }]);
    expect(h.live('')).toHaveLength(0);
  });
});

describe('app mode', () => {
  const stored = (active: string | null, ...ids: [string, 'openwork' | 'opencode'][]): AppWorkspaceList => ({ activeId: active, items: ids.map(([id, t]) => entry(id, t)) });

  it('resume: the stored active workspace, with its remembered fallback flag; a direct OpenCode gets no host stream', async () => {
    const h = harness('app', { list: stored('oc', ['oc', 'opencode']) });
    h.seen.fallback.set('oc', true);
    vi.mocked(h.io.app.status).mockResolvedValue({ state: 'connected', remoteType: 'opencode' });
    expect(await h.sup.resume({ mode: 'app', signedIn: true })).toBeNull();
    expect(h.conn()).toEqual({ kind: 'connected', remoteType: 'opencode', viaFallback: true });
    const oc = await h.one('/opencode/event');
    expect(oc.url).toBe('/app/api/remote/opencode/event');
    expect(oc.headers).toEqual({ 'x-openwork-app': '1' });
    expect(h.live('/events')).toHaveLength(0);
    h.sup.stop();
  });

  it('resume signed out or with nothing stored does nothing', async () => {
    const h = harness('app');
    expect(await h.sup.resume({ mode: 'app', signedIn: false })).toBeNull();
    expect(h.io.app.workspaces).not.toHaveBeenCalled();
    expect(await h.sup.resume({ mode: 'app', signedIn: true })).toBeNull();
    expect(h.conn()).toEqual({ kind: 'idle' });
  });

  it('verify: refused credentials fail without retrying; an unreachable remote throws', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork']) });
    vi.mocked(h.io.app.status).mockResolvedValueOnce({ state: 'needs_password', message: 'password needed' });
    await h.sup.verify();
    expect(h.conn()).toEqual({ kind: 'disconnected', reason: 'password needed', authFailed: true });
    vi.mocked(h.io.app.status).mockResolvedValueOnce({ state: 'unreachable' });
    await expect(h.sup.verify()).rejects.toThrow('unreachable');
  });

  it('the host switched while away: verify follows (the app re-runs the handshake)', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork']) });
    vi.mocked(h.io.app.status).mockResolvedValue({ state: 'connected', remoteType: 'openwork', hostWorkspaceChanged: true });
    await h.sup.verify();
    expect(h.io.app.follow).toHaveBeenCalledTimes(1);
    expect(h.seen.toasts).toEqual(['The host switched workspace. Reconnected to “followed-name”.']);
    expect(h.seen.epochs).toBe(1);
  });

  it('workspace.switched through the app: follow with the new name', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork']) });
    await h.sup.resume({ mode: 'app', signedIn: true });
    const ev = await h.one('/events');
    expect(ev.url).toBe('/app/api/remote/events');
    ev.send({ id: 3, type: 'workspace.switched', properties: { to: { id: 'ws_2', name: 'beta', path: '/b' } }, time: 0 });
    await vi.waitFor(() => expect(h.seen.toasts).toEqual(['The host switched to “beta”. Reconnected to “followed-name”.']));
    h.sup.stop();
  });

  it('connect: a refused token saves nothing; success adopts the workspace, opens sessions, streams', async () => {
    const h = harness('app');
    vi.mocked(h.io.app.connect).mockRejectedValueOnce(new HttpError(403, 'auth_failed', 'refused'));
    expect(await h.sup.connect({ url: 'http://h', token: 'x' })).toBe('The host refused the access token (HTTP 403). Nothing was saved.');
    vi.mocked(h.io.app.connect).mockRejectedValueOnce(new HttpError(400, 'invalid_url', 'not a URL'));
    expect(await h.sup.connect({ url: 'h h' })).toBe('not a URL');
    expect(h.seen.sessionsShown).toBe(0);
    const oc = entry('oc', 'opencode');
    vi.mocked(h.io.app.connect).mockResolvedValueOnce(connectResult(oc, true));
    vi.mocked(h.io.app.workspaces).mockResolvedValueOnce({ activeId: 'oc', items: [oc] });
    expect(await h.sup.connect({ url: 'http://oc:4096', direct: true })).toBeNull();
    expect(h.conn()).toEqual({ kind: 'connected', remoteType: 'opencode', viaFallback: true });
    expect([h.seen.fallback.get('oc'), h.list().activeId, h.seen.sessionsShown, h.seen.epochs]).toEqual([true, 'oc', 1, 1]);
    await h.one('/opencode/event');
    h.sup.stop();
  });

  it('host a folder: connect to it and say so', async () => {
    const h = harness('app');
    await h.sup.hostFolder('/home/me/p');
    expect(h.io.app.hostFolder).toHaveBeenCalledWith('/home/me/p');
    expect(h.seen.toasts).toEqual(['Hosting this folder. Open Settings for the pairing link.']);
    expect(h.conn()).toMatchObject({ kind: 'connected' });
    h.sup.stop();
    vi.mocked(h.io.app.hostFolder).mockRejectedValueOnce(new Error('no such folder'));
    await expect(h.sup.hostFolder('/nope')).rejects.toThrow('no such folder');
  });

  it('switch to another stored workspace; removing the active one resets', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork'], ['b', 'opencode']) });
    vi.mocked(h.io.app.status).mockResolvedValue({ state: 'connected', remoteType: 'opencode' });
    await h.sup.switchTo(entry('b', 'opencode'));
    expect(h.list().activeId).toBe('b');
    expect(h.conn()).toEqual({ kind: 'connected', remoteType: 'opencode', viaFallback: false });
    await h.one('/opencode/event');
    await h.sup.remove(entry('a'));
    expect(h.conn().kind).toBe('connected');
    await h.sup.remove(entry('b'));
    expect(h.conn()).toEqual({ kind: 'idle' });
    expect(h.live('')).toHaveLength(0);
  });
  it("a user's pick wins over a follow in flight: the follow is dropped, the pick reaches the app last", async () => {
    // The app backend: follow and activate both set its active workspace.
    for (const followEndsFirst of [true, false]) {
      const h = harness('app', { list: stored('a', ['a', 'openwork'], ['b', 'opencode']) });
      let serverActive = 'a';
      const calls: string[] = [];
      let endFollow!: () => void;
      vi.mocked(h.io.app.follow).mockImplementationOnce(() => new Promise((resolve) => {
        calls.push('follow sent');
        endFollow = () => { serverActive = 'followed'; calls.push('follow done'); resolve(connectResult(entry('followed'))); };
      }));
      vi.mocked(h.io.app.activate).mockImplementation(async (id) => {
        calls.push(`activate ${id}`);
        serverActive = id;
        return { activeId: id, items: [entry('a'), entry('b', 'opencode')] };
      });
      vi.mocked(h.io.app.workspaces).mockImplementation(async () => ({ activeId: serverActive, items: [entry('a'), entry('b', 'opencode'), entry('followed')] }));
      vi.mocked(h.io.app.status).mockResolvedValue({ state: 'connected', remoteType: 'opencode' });
      const following = h.sup.follow('The host switched.');
      await vi.waitFor(() => expect(calls).toEqual(['follow sent']));
      const picking = h.sup.switchTo(entry('b', 'opencode'));
      if (followEndsFirst) endFollow();
      // The pick waits for the follow's request: nothing is activated meanwhile.
      await Promise.resolve();
      if (!followEndsFirst) {
        expect(calls).toEqual(['follow sent']);
        endFollow();
      }
      await Promise.all([following, picking]);
      expect(calls).toEqual(['follow sent', 'follow done', 'activate b']);
      expect(serverActive).toBe('b');
      expect(h.list().activeId).toBe('b');
      expect(h.seen.toasts).toEqual([]); // the dropped follow says nothing
      h.sup.stop();
    }
  });

  it('switching overlay: shown from the pick until connected; a failed switch hides it and says why', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork'], ['b', 'opencode']) });
    vi.mocked(h.io.app.status).mockResolvedValue({ state: 'connected', remoteType: 'opencode' });
    let atActivate: (Switching | null)[] = [];
    vi.mocked(h.io.app.activate).mockImplementationOnce(async (id) => {
      atActivate = [...h.seen.switching];
      return { ...h.list(), activeId: id };
    });
    await h.sup.switchTo(entry('b', 'opencode'));
    expect(atActivate).toEqual([{ to: 'b-name' }]);
    expect(h.seen.switching).toEqual([{ to: 'b-name' }, null]);
    expect(h.conn().kind).toBe('connected');
    vi.mocked(h.io.app.status).mockRejectedValueOnce(new Error('unreachable'));
    await h.sup.switchTo(entry('a'));
    expect(h.seen.switching.slice(2)).toEqual([{ to: 'a-name' }, null]);
    expect(h.conn()).toMatchObject({ kind: 'disconnected', reason: 'unreachable' });
    expect(h.seen.toasts).toEqual(['Could not switch to “a-name”: unreachable']);
    h.sup.stop();
  });

  it('switching overlay: a followed host switch shows the new name; a pick meanwhile keeps its own overlay', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork'], ['b', 'opencode']) });
    await h.sup.resume({ mode: 'app', signedIn: true });
    const ev = await h.one('/events');
    ev.send({ id: 3, type: 'workspace.switched', properties: { to: { id: 'ws_2', name: 'beta', path: '/b' } }, time: 0 });
    await vi.waitFor(() => expect(h.seen.switching).toEqual([{ to: 'beta' }, null]));
    // A follow in flight, then a pick: the follow ending does not hide the pick's overlay.
    let endFollow!: () => void;
    vi.mocked(h.io.app.follow).mockImplementationOnce(() => new Promise((resolve) => { endFollow = () => resolve(connectResult(entry('followed'))); }));
    let endActivate!: () => void;
    vi.mocked(h.io.app.activate).mockImplementationOnce((id) => new Promise((resolve) => { endActivate = () => resolve({ ...h.list(), activeId: id }); }));
    const following = h.sup.follow('The host switched.', undefined, 'gamma');
    const picking = h.sup.switchTo(entry('b', 'opencode'));
    endFollow();
    await following;
    expect(h.seen.switching.slice(2)).toEqual([{ to: 'gamma' }, { to: 'b-name' }]);
    await vi.waitFor(() => expect(h.io.app.activate).toHaveBeenCalled());
    endActivate();
    await picking;
    expect(h.seen.switching.at(-1)).toBeNull();
    h.sup.stop();
  });

  it('switching overlay: hosting a folder shows the folder name, hidden after success or failure', async () => {
    const h = harness('app');
    await h.sup.hostFolder('/home/me/proj/');
    expect(h.seen.switching).toEqual([{ to: 'proj' }, null]);
    h.sup.stop();
    vi.mocked(h.io.app.hostFolder).mockRejectedValueOnce(new Error('no such folder'));
    await expect(h.sup.hostFolder('/nope')).rejects.toThrow('no such folder');
    expect(h.seen.switching.slice(2)).toEqual([{ to: 'nope' }, null]);
  });

  it('a follow started after the pick is followed', async () => {
    const h = harness('app', { list: stored('a', ['a', 'openwork'], ['b', 'openwork']) });
    await h.sup.switchTo(entry('b'));
    await h.sup.follow('The host switched.');
    expect(h.seen.toasts).toEqual(['The host switched. Reconnected to “followed-name”.']);
    h.sup.stop();
  });
});

describe('pair again (host mode)', () => {
  it('a refused token on the streams: disconnected with authFailed (the pair-again screen)', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    const ev = await h.one('/events');
    ev.fail(new HttpError(401, 'unauthorized', 'revoked'));
    await vi.waitFor(() => expect(h.conn()).toMatchObject({ kind: 'disconnected', authFailed: true }));
    expect(h.live('')).toHaveLength(0);
  });

  it('a revoked token whose streams just end: the quiet reconnect finds the 401', async () => {
    const h = harness('host', { token: 'tok', hostWs: [ws('ws_1', 'alpha')] });
    await h.sup.resume({ mode: 'host' });
    h.hostAnswers.splice(0, h.hostAnswers.length, new HttpError(401, 'unauthorized', 'revoked'));
    (await h.one('/events')).end();
    await vi.waitFor(() => expect(h.conn()).toMatchObject({ kind: 'disconnected', authFailed: true }));
  });

  it('a new pairing link is exchanged for a device token; a bare token is used as is', async () => {
    const h = harness('host', { token: 'old', hostWs: [ws('ws_1', 'alpha')] });
    const exchanged: string[] = [];
    h.io.exchangePairing = async (code) => { exchanged.push(code); return { token: 'dev-tok' }; };
    expect(await h.sup.pairAgain('  ')).toMatch(/Paste the new pairing link/);
    expect(await h.sup.pairAgain('http://host:8787/?pair=abc123')).toBeNull();
    expect(exchanged).toEqual(['abc123']);
    expect(h.token()).toBe('dev-tok');
    expect(h.seen.stored).toEqual(['dev-tok']);
    expect(h.conn()).toMatchObject({ kind: 'connected' });
    expect(await h.sup.pairAgain('bare-token')).toBeNull();
    expect(h.token()).toBe('bare-token');
    h.io.exchangePairing = async () => { throw new Error('used'); };
    expect(await h.sup.pairAgain('http://host/?pair=zzz')).toMatch(/does not work \(used\)/);
    h.sup.stop();
  });
});
