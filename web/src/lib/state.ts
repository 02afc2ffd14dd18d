// UI state logic with no DOM: connection state machine, header label,
// workspace badge/lines, token status, reconnect backoff, extension access.
import type { DeviceToken, ExtensionKind, ExtensionListing, ProvidersAnswer, RemoteType, WorkspaceEntry } from './api';
import type { Capabilities } from './api-types';

export type { RemoteType, WorkspaceEntry } from './api';

export type ConnState =
  | { kind: 'idle' }
  | { kind: 'connecting'; remoteType?: RemoteType; attempt: number; viaFallback?: boolean }
  | { kind: 'connected'; remoteType: RemoteType; viaFallback: boolean }
  | { kind: 'disconnected'; reason: string; authFailed: boolean };

export type ConnEvent =
  | { type: 'connect'; remoteType?: RemoteType }
  | { type: 'connected'; remoteType: RemoteType; viaFallback?: boolean }
  | { type: 'failed'; reason: string; authFailed?: boolean }
  | { type: 'lost'; reason: string }
  | { type: 'retry' }
  | { type: 'giveUp'; reason: string }
  | { type: 'reset' };

/** Transition of the connection state machine. */
export function reduceConn(s: ConnState, e: ConnEvent): ConnState {
  switch (e.type) {
    case 'connect':
      return { kind: 'connecting', remoteType: e.remoteType, attempt: 0 };
    case 'connected': {
      // A reconnect to the same kind of remote keeps the fallback hint.
      const keep = (s.kind === 'connected' || s.kind === 'connecting') && s.remoteType === e.remoteType ? Boolean(s.viaFallback) : false;
      return { kind: 'connected', remoteType: e.remoteType, viaFallback: e.viaFallback ?? keep };
    }
    case 'failed':
      return { kind: 'disconnected', reason: e.reason, authFailed: e.authFailed ?? false };
    case 'lost':
      if (s.kind === 'connected') return { kind: 'connecting', remoteType: s.remoteType, attempt: 1, viaFallback: s.viaFallback };
      if (s.kind === 'connecting') return { ...s, attempt: s.attempt + 1 };
      return s;
    case 'retry':
      if (s.kind === 'disconnected' && !s.authFailed) return { kind: 'connecting', attempt: 1 };
      return s;
    case 'giveUp':
      return s.kind === 'connecting' ? { kind: 'disconnected', reason: e.reason, authFailed: false } : s;
    case 'reset':
      return { kind: 'idle' };
  }
}

/** The header status text. */
export function headerLabel(s: ConnState): string {
  switch (s.kind) {
    case 'connected':
      return s.remoteType === 'openwork' ? 'Connected · OpenWork' : 'Connected · OpenCode';
    case 'connecting':
      return 'Connecting…';
    default:
      return 'Disconnected';
  }
}

/** Inline hint shown after the handshake fell back to a direct OpenCode. */
export function fallbackHint(s: ConnState): string | null {
  return s.kind === 'connected' && s.remoteType === 'opencode' && s.viaFallback
    ? 'Connected via OpenCode (not OpenWork).'
    : null;
}

/** The overlay while a workspace switch is under way. */
export function switchingLabel(s: { to: string }): string {
  return `Switching to ${s.to}…`;
}

/** Badge of a workspace entry. */
export function badge(e: WorkspaceEntry): 'OpenWork' | 'OpenCode' | 'Local' {
  if (e.workspaceType === 'local') return 'Local';
  return e.remoteType === 'openwork' ? 'OpenWork' : 'OpenCode';
}

/** Primary line: host URL (OpenWork), else the OpenCode base URL, else the path/name. */
export function primaryLine(e: WorkspaceEntry): string {
  const remote = e.remoteType === 'openwork' ? (e.openworkHostUrl ?? e.opencodeBaseUrl) : e.opencodeBaseUrl;
  return remote ?? e.path ?? e.name;
}

/** Secondary line: host workspace name (OpenWork), else the directory, else the name. */
export function secondaryLine(e: WorkspaceEntry): string {
  if (e.remoteType === 'openwork') return e.openworkWorkspaceName ?? e.opencodeDirectory ?? e.name;
  if (e.remoteType === 'opencode') return e.opencodeDirectory ?? e.name;
  return e.name;
}

/** `abcd…yz` like the host's mask; short tokens are all stars. */
export function maskToken(t: string): string {
  const chars = [...t];
  if (chars.length <= 8) return '*'.repeat(Math.max(chars.length, 4));
  return `${chars.slice(0, 4).join('')}…${chars.slice(-2).join('')}`;
}

export type TokenStatus = 'present' | 'missing' | 'invalid' | 'not needed';

/** Token status for the settings card. */
export function tokenStatus(e: WorkspaceEntry | undefined, s: ConnState): TokenStatus {
  if (!e || e.remoteType !== 'openwork') return 'not needed';
  if (s.kind === 'disconnected' && s.authFailed) return 'invalid';
  return e.hasToken ? 'present' : 'missing';
}

/** Reconnect delay: exponential from 500 ms, capped at 15 s, with ±20 % jitter (`rand` in [0,1)). */
export function backoffDelay(attempt: number, rand: number = Math.random()): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * rand));
}

/** After this many failed reconnects the header says Disconnected (retries go on). */
export const GIVE_UP_AFTER = 4;

export interface ExtensionAccess {
  available: boolean;
  canWrite: boolean;
  explanation: string | null;
}

/** What the extensions panel may do for a kind of extension. */
export function extensionAccess(
  remoteType: RemoteType | undefined,
  /** The host's `GET /capabilities` (a kind it does not name is not offered). */
  caps: Partial<Capabilities> | null,
  kind: ExtensionKind,
): ExtensionAccess {
  if (remoteType !== 'openwork') {
    return {
      available: false,
      canWrite: false,
      explanation:
        'This workspace is a direct OpenCode server, not an OpenWork host: skills, plugins and MCP servers can only be managed through a host. Edit the files in the workspace instead.',
    };
  }
  const c = caps?.[kind];
  if (!c || !c.read) return { available: false, canWrite: false, explanation: 'The host does not offer this.' };
  if (!c.write) return { available: true, canWrite: false, explanation: 'The host is read-only: changes are disabled.' };
  return { available: true, canWrite: true, explanation: null };
}

/** One row of an extensions listing. */
export interface ExtensionRow {
  /** What `DELETE /workspace/:id/<kind>/:key` takes. */
  key: string;
  title: string;
  detail: string;
}

/** A host's listing (`GET /workspace/:id/<kind>`) as rows. */
export function extensionRows(listing: ExtensionListing): ExtensionRow[] {
  switch (listing.kind) {
    case 'skills':
      return (listing.body.items ?? []).map((i) => ({ key: i.name, title: i.name, detail: i.description ?? '' }));
    case 'plugins':
      return (listing.body.items ?? []).map((i) => ({ key: i.spec, title: i.spec, detail: `${i.source ?? ''} ${i.scope ?? ''}` }));
    case 'mcp':
      return (listing.body.items ?? []).map((i) => ({ key: i.name, title: i.name, detail: JSON.stringify(i.config ?? {}) }));
  }
}

/** Whether a skill name is valid (as OpenCode checks it). */
export function validSkillName(name: string): boolean {
  return name.length >= 1 && name.length <= 64 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}

/** Read `?pair=` (a one-time pairing code, from `openwork pair` or a
 *  host's Settings) or `?token=` (an older pairing link) from the address;
 *  returns them and the URL without either, so neither stays in history. */
export function takeTokenFromUrl(href: string): { token: string | null; pair: string | null; cleaned: string } {
  const u = new URL(href);
  const token = u.searchParams.get('token');
  const pair = u.searchParams.get('pair');
  u.searchParams.delete('token');
  u.searchParams.delete('pair');
  const q = u.searchParams.toString();
  const clean = (v: string | null) => (v && v.trim() ? v.trim() : null);
  return { token: clean(token), pair: clean(pair), cleaned: u.pathname + (q ? `?${q}` : '') + u.hash };
}

/** Human uptime: `42 s`, `3 min`, `2 h 5 min`. */
export function formatUptime(ms: number | null | undefined): string {
  if (ms == null) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** What the page says when the host refused this device's token (revoked,
 *  rotated, expired, unknown). */
export const UNPAIRED_MESSAGE = 'This device is no longer paired — ask the host for a new pairing link (`openwork pair`).';

/** The host refused the credentials the page holds: the "pair again"
 *  screen, not the onboarding form. `hasCredential`: host mode, a token is
 *  kept; app mode, a workspace is active. */
export function needsPairing(s: ConnState, hasCredential: boolean): boolean {
  return hasCredential && s.kind === 'disconnected' && s.authFailed;
}

/** What was pasted on the "pair again" screen: a pairing link (`?pair=`),
 *  an older token link (`?token=`), or a bare token. */
export function parsePairingInput(text: string): { pair: string } | { token: string } | null {
  const t = text.trim();
  if (!t) return null;
  if (/^https?:\/\//i.test(t) || t.startsWith('/?') || t.startsWith('?')) {
    try {
      const u = new URL(t, 'http://x');
      const pair = u.searchParams.get('pair')?.trim();
      if (pair) return { pair };
      const token = u.searchParams.get('token')?.trim();
      if (token) return { token };
    } catch {
      /* not a URL: a token */
    }
    return null;
  }
  return { token: t };
}

/** The id of the client token itself in the devices list: rotated, not revoked. */
export const CLIENT_TOKEN_ID = 'client';

/** A device row: what it is called, its access, when it was last used. */
export function deviceRow(d: DeviceToken, now: number, relative: (then: number, now: number) => string): { name: string; scope: string; lastUsed: string; revocable: boolean } {
  const ms = (v: number | string | null | undefined): number | null => {
    if (v == null) return null;
    if (typeof v === 'number') return v < 1e12 ? v * 1000 : v; // seconds or ms
    const n = Date.parse(v);
    return Number.isNaN(n) ? null : n;
  };
  const last = ms(d.lastUsedAt);
  return {
    name: d.id === CLIENT_TOKEN_ID ? (d.label || 'Client token (this app)') : (d.label || d.id),
    scope: d.scope,
    lastUsed: last === null ? 'never used' : `last used ${relative(last, now)}`,
    revocable: d.id !== CLIENT_TOKEN_ID,
  };
}

/** The note next to the pairing link when other devices cannot reach it. */
export const LOOPBACK_NOTE = 'Other devices cannot reach 127.0.0.1: restart the host with --remote-access (read SECURITY.md) or --connect-host';

/** Whether the engine has a model to answer with: a provider with models,
 *  and a default model that one of them has. */
export function hasUsableModel(p: ProvidersAnswer | null | undefined): boolean {
  const providers = (p?.providers ?? []).filter((x) => x.models && Object.keys(x.models).length > 0);
  if (!providers.length) return false;
  const defaults = Object.entries(p?.default ?? {});
  if (!defaults.length) return false;
  return defaults.some(([prov, model]) => providers.some((x) => x.id === prov && x.models && model in x.models));
}

/** What the session view says when there is no model, by access. */
export const NO_MODEL_ASK_OWNER = "Ask the host's owner to add a model: on the host run `opencode auth login`";
