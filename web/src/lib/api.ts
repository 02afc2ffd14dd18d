// How the page talks to its backend: the host API directly (host mode, served
// by `openwork host`), or the app backend's same-origin client API (app mode).
//
// Host API bodies are typed by api-types.ts, generated from openapi.json
// (`npm run gen:api`); the app backend's own `/app/api/*` bodies and the host's
// event stream are not in that document and are typed here by hand.
import type { EngineStatus, paths } from './api-types';
import { httpError } from './errors';

/** One of a host's device tokens (`GET /app/api/local-host/tokens`). */
export interface DeviceToken {
  id: string;
  scope: string;
  label?: string | null;
  createdAt?: number | string | null;
  lastUsedAt?: number | string | null;
}

/** OpenCode's `GET /config/providers`. */
export interface ProvidersAnswer {
  providers?: { id: string; name?: string; models?: Record<string, unknown> | null }[];
  default?: Record<string, string> | null;
}

export type Mode = 'host' | 'app';

/** What a stored remote speaks. */
export type RemoteType = 'openwork' | 'opencode';

/** A stored workspace as the app backend lists it (secrets never included). */
export interface WorkspaceEntry {
  id: string;
  name: string;
  workspaceType: 'local' | 'remote';
  remoteType?: RemoteType;
  path?: string;
  openworkHostUrl?: string;
  openworkWorkspaceId?: string;
  openworkWorkspaceName?: string;
  opencodeBaseUrl?: string;
  opencodeDirectory?: string;
  hasToken?: boolean;
  hasPassword?: boolean;
}


export interface Transport {
  mode: Mode;
  /** Prefix of the remote's API (`/opencode/*`, `/events`, `/capabilities`, `/workspace/:id/*`). */
  remoteBase: string;
  headers(): Record<string, string>;
}

export const APP_HEADER = 'x-openwork-app';
const TOKEN_KEY = 'openwork.clientToken';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
export function storeToken(t: string | null): void {
  try {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled */
  }
}

export function hostTransport(token: () => string | null): Transport {
  return {
    mode: 'host',
    remoteBase: '',
    headers: (): Record<string, string> => {
      const t = token();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
  };
}

export const appTransport: Transport = {
  mode: 'app',
  remoteBase: '/app/api/remote',
  headers: () => ({ [APP_HEADER]: '1' }),
};

/** JSON request; throws HttpError on non-2xx. */
export async function request<T>(t: Transport, url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { ...t.headers() };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const resp = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  if (!resp.ok) throw await httpError(resp);
  const text = await resp.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** Remote API (through the host directly or the app's proxy). */
export const remote = <T>(t: Transport, path: string, init?: { method?: string; body?: unknown }): Promise<T> =>
  request<T>(t, `${t.remoteBase}${path}`, init);

/** The JSON body a host API operation answers with on success, by its path
 *  and method in openapi.json (`HostOk<'/workspaces', 'get'>` is `WorkspaceList`). */
export type HostOk<P extends keyof paths, M extends HostMethod> =
  paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer T } } } } ? T : never;
/** The JSON body a host API operation takes, by its path and method in openapi.json. */
export type HostBody<P extends keyof paths, M extends HostMethod> =
  paths[P][M] extends { requestBody: { content: { 'application/json': infer T } } } ? T : never;
type HostMethod = 'get' | 'post' | 'patch' | 'delete';

/** Extension kinds the page manages, with their listings and add bodies. */
export interface ExtensionTypes {
  skills: { list: HostOk<'/workspace/{id}/skills', 'get'>; add: HostBody<'/workspace/{id}/skills', 'post'> };
  plugins: { list: HostOk<'/workspace/{id}/plugins', 'get'>; add: HostBody<'/workspace/{id}/plugins', 'post'> };
  mcp: { list: HostOk<'/workspace/{id}/mcp', 'get'>; add: HostBody<'/workspace/{id}/mcp', 'post'> };
}
export type ExtensionKind = keyof ExtensionTypes;
/** A host's extensions listing, tagged with its kind. */
export type ExtensionListing = { [K in ExtensionKind]: { kind: K; body: ExtensionTypes[K]['list'] } }[ExtensionKind];

/** The host API calls the page makes, through `t`: the host itself (host
 *  mode) or the app's proxy to the active remote (app mode). */
export const hostApi = {
  workspaces: (t: Transport) => remote<HostOk<'/workspaces', 'get'>>(t, '/workspaces'),
  capabilities: (t: Transport) => remote<HostOk<'/capabilities', 'get'>>(t, '/capabilities'),
  extensions: async (t: Transport, workspaceId: string, kind: ExtensionKind): Promise<ExtensionListing> =>
    ({ kind, body: await remote<ExtensionTypes[typeof kind]['list']>(t, extensionsPath(workspaceId, kind)) }) as ExtensionListing,
  addExtension: <K extends ExtensionKind>(t: Transport, workspaceId: string, kind: K, body: ExtensionTypes[K]['add']) =>
    remote<unknown>(t, extensionsPath(workspaceId, kind), { method: 'POST', body }),
  removeExtension: (t: Transport, workspaceId: string, kind: ExtensionKind, name: string) =>
    remote<unknown>(t, `${extensionsPath(workspaceId, kind)}/${encodeURIComponent(name)}`, { method: 'DELETE' }),
};

/** OpenCode through the remote (`/opencode/*`). */
export const opencodeApi = {
  providers: (t: Transport) => remote<ProvidersAnswer>(t, '/opencode/config/providers'),
  /** Set an API key for a provider (owner tokens only). */
  setApiKey: (t: Transport, providerId: string, key: string) =>
    remote<unknown>(t, `/opencode/auth/${encodeURIComponent(providerId)}`, { method: 'PUT', body: { type: 'api', key } }),
};

const extensionsPath = (workspaceId: string, kind: ExtensionKind) => `/workspace/${encodeURIComponent(workspaceId)}/${kind}`;

/** What the page learns about where it runs. */
export type Detected = { mode: 'app'; signedIn: boolean } | { mode: 'host' };

export async function detectMode(): Promise<Detected> {
  try {
    const resp = await fetch('/app/api/info', { headers: { [APP_HEADER]: '1' }, credentials: 'same-origin' });
    if (resp.ok) return { mode: 'app', signedIn: true };
    if (resp.status === 401 && (await httpError(resp)).code === 'app_unauthorized') return { mode: 'app', signedIn: false };
  } catch {
    /* fall through */
  }
  return { mode: 'host' };
}

/** The app backend's stored workspaces (`/app/api/workspaces`). */
export interface AppWorkspaceList {
  activeId: string | null;
  items: WorkspaceEntry[];
}

export interface ConnectResult {
  remoteType: 'openwork' | 'opencode';
  fallback: boolean;
  notOpenWork: string | null;
  sessions: number;
  workspace: WorkspaceEntry;
}

export interface ConnectInput {
  url: string;
  token?: string;
  direct?: boolean;
  directory?: string;
  opencodePassword?: string;
}

/** Exchange a one-time pairing code with the host serving this page for
 *  this browser's own device token. */
export const exchangePairing = (code: string): Promise<HostOk<'/pairing/exchange', 'post'>> =>
  request(appTransport, '/pairing/exchange', {
    method: 'POST',
    body: { code, label: `browser (${navigator.userAgent.slice(0, 60)})` } satisfies HostBody<'/pairing/exchange', 'post'>,
  });

export const app = {
  workspaces: () => request<AppWorkspaceList>(appTransport, '/app/api/workspaces'),
  connect: (body: ConnectInput) => request<ConnectResult>(appTransport, '/app/api/connect', { method: 'POST', body }),
  activate: (id: string) => request<AppWorkspaceList>(appTransport, `/app/api/workspaces/${encodeURIComponent(id)}/activate`, { method: 'POST' }),
  remove: (id: string) => request<AppWorkspaceList>(appTransport, `/app/api/workspaces/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  status: () => request<{ state: string; remoteType?: 'openwork' | 'opencode'; message?: string; hostWorkspaceChanged?: boolean }>(appTransport, '/app/api/status'),
  follow: () => request<ConnectResult>(appTransport, '/app/api/follow', { method: 'POST' }),
  localHost: () => request<LocalHostInfo>(appTransport, '/app/api/local-host'),
  rotate: () => request<{ clientToken: string }>(appTransport, '/app/api/local-host/rotate', { method: 'POST' }),
  /** The local host's device tokens (`client`: the client token itself). */
  tokens: () => request<{ items: DeviceToken[] }>(appTransport, '/app/api/local-host/tokens'),
  revokeToken: (id: string) => request<{ ok: boolean }>(appTransport, `/app/api/local-host/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  hostFolder: (path: string) => request<ConnectResult>(appTransport, '/app/api/local-host/start', { method: 'POST', body: { path } }),
  /** A one-time pairing link for a device (no long-lived token in it), with its QR code. */
  pair: (scope: 'viewer' | 'collaborator' | 'owner') =>
    request<HostOk<'/pairing', 'post'> & { qrSvg: string | null }>(appTransport, '/app/api/local-host/pair', { method: 'POST', body: { scope } }),
  // These pass the local host's own answer through (host API types).
  restart: () => request<HostOk<'/engine/restart', 'post'>>(appTransport, '/app/api/local-host/restart', { method: 'POST' }),
  approvals: () => request<HostOk<'/approvals', 'get'>>(appTransport, '/app/api/local-host/approvals'),
  answerApproval: (id: string, reply: 'allow' | 'deny') =>
    request<HostOk<'/approvals/{id}', 'post'>>(appTransport, `/app/api/local-host/approvals/${encodeURIComponent(id)}`, { method: 'POST', body: { reply } satisfies HostBody<'/approvals/{id}', 'post'> }),
};

export interface LocalHostInfo {
  running: boolean;
  localUrl?: string;
  pairingUrl?: string;
  workspace?: string;
  /** False when the pairing URL is loopback: other devices cannot open it. */
  reachableFromOtherDevices?: boolean;
  clientToken?: string;
  clientTokenMasked?: string;
  /** The host's `GET /engine`, null when it did not answer. */
  engine?: EngineStatus | null;
}

/** One event of the host's `GET /events` stream (the JSON `data:` of each
 *  SSE message). openapi.json describes that stream as text only, so this is
 *  written by hand after the host's `HostEvent`. */
export interface HostEvent {
  /** Position in the host's event log (also the SSE `id:`). */
  id: number;
  /** `workspace.switched`, `engine.state`, `engine.reload`, `config.changed`, `approval.requested`, ... */
  type: string;
  properties: unknown;
  /** Unix ms. */
  time: number;
}

/** `properties` of a `workspace.switched` host event. */
export interface WorkspaceSwitched {
  from: { id: string; name: string; path: string };
  to: { id: string; name: string; path: string };
}
