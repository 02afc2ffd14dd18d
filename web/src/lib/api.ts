// How the page talks to its backend: the host API directly (host mode, served
// by `openwork host`), or the app backend's same-origin client API (app mode).
import { HttpError } from './sse';
import type { WorkspaceEntry } from './state';

export type Mode = 'host' | 'app';

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

async function toError(resp: Response): Promise<HttpError> {
  let code = 'http_error';
  let message = `HTTP ${resp.status}`;
  try {
    const j = (await resp.json()) as { code?: string; message?: string };
    code = j.code ?? code;
    message = j.message ?? message;
  } catch {
    /* not JSON */
  }
  return new HttpError(resp.status, code, message);
}

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
  if (!resp.ok) throw await toError(resp);
  const text = await resp.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** Remote API (through the host directly or the app's proxy). */
export const remote = <T>(t: Transport, path: string, init?: { method?: string; body?: unknown }): Promise<T> =>
  request<T>(t, `${t.remoteBase}${path}`, init);

/** What the page learns about where it runs. */
export type Detected = { mode: 'app'; signedIn: boolean } | { mode: 'host' };

export async function detectMode(): Promise<Detected> {
  try {
    const resp = await fetch('/app/api/info', { headers: { [APP_HEADER]: '1' }, credentials: 'same-origin' });
    if (resp.ok) return { mode: 'app', signedIn: true };
    if (resp.status === 401) {
      const j = (await resp.json().catch(() => ({}))) as { code?: string };
      if (j.code === 'app_unauthorized') return { mode: 'app', signedIn: false };
    }
  } catch {
    /* fall through */
  }
  return { mode: 'host' };
}

export interface WorkspaceList {
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

export const app = {
  workspaces: () => request<WorkspaceList>(appTransport, '/app/api/workspaces'),
  connect: (body: ConnectInput) => request<ConnectResult>(appTransport, '/app/api/connect', { method: 'POST', body }),
  activate: (id: string) => request<WorkspaceList>(appTransport, `/app/api/workspaces/${encodeURIComponent(id)}/activate`, { method: 'POST' }),
  remove: (id: string) => request<WorkspaceList>(appTransport, `/app/api/workspaces/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  status: () => request<{ state: string; remoteType?: 'openwork' | 'opencode'; message?: string; hostWorkspaceChanged?: boolean }>(appTransport, '/app/api/status'),
  follow: () => request<ConnectResult>(appTransport, '/app/api/follow', { method: 'POST' }),
  localHost: () => request<LocalHostInfo>(appTransport, '/app/api/local-host'),
  rotate: () => request<{ clientToken: string }>(appTransport, '/app/api/local-host/rotate', { method: 'POST' }),
  restart: () => request<unknown>(appTransport, '/app/api/local-host/restart', { method: 'POST' }),
  hostFolder: (path: string) => request<ConnectResult>(appTransport, '/app/api/local-host/start', { method: 'POST', body: { path } }),
  approvals: () => request<{ items: Approval[] }>(appTransport, '/app/api/local-host/approvals'),
  answerApproval: (id: string, reply: 'allow' | 'deny') =>
    request<unknown>(appTransport, `/app/api/local-host/approvals/${encodeURIComponent(id)}`, { method: 'POST', body: { reply } }),
};

/** A change waiting for the host's approval (`--approval manual`). */
export interface Approval {
  id: string;
  action: string;
  summary: string;
  /** The change itself: a diff, or the request through the proxy. */
  change?: string;
  createdAt: number;
}

export interface EngineStatus {
  state: string;
  pid?: number | null;
  port?: number | null;
  version?: string | null;
  uptimeMs?: number | null;
  restarts?: number;
  lastError?: string | null;
}

export interface LocalHostInfo {
  running: boolean;
  localUrl?: string;
  pairingUrl?: string;
  workspace?: string;
  clientToken?: string;
  engine?: EngineStatus | null;
}

/** The host's `/workspaces` active entry. */
export interface HostWorkspace {
  id: string;
  name: string;
  path: string;
  opencode: { baseUrl: string; directory: string };
}
