import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  CLIENT_TOKEN_ID,
  deviceRow,
  hasUsableModel,
  needsPairing,
  parsePairingInput,
  badge,
  extensionAccess,
  extensionRows,
  fallbackHint,
  switchingLabel,
  formatUptime,
  headerLabel,
  maskToken,
  primaryLine,
  reduceConn,
  secondaryLine,
  takeTokenFromUrl,
  tokenStatus,
  validSkillName,
  type ConnState,
  type WorkspaceEntry,
} from './state';

const ow: WorkspaceEntry = {
  id: 'a', name: 'proj', workspaceType: 'remote', remoteType: 'openwork',
  openworkHostUrl: 'http://host:8787', openworkWorkspaceName: 'proj', opencodeBaseUrl: 'http://host:8787/opencode', opencodeDirectory: '/srv/proj', hasToken: true,
};
const oc: WorkspaceEntry = { id: 'b', name: 'app', workspaceType: 'remote', remoteType: 'opencode', opencodeBaseUrl: 'http://oc:4096', opencodeDirectory: '/home/me/app' };

describe('connection state machine', () => {
  const idle: ConnState = { kind: 'idle' };
  it('connect → connected', () => {
    const s1 = reduceConn(idle, { type: 'connect' });
    expect(s1.kind).toBe('connecting');
    const s2 = reduceConn(s1, { type: 'connected', remoteType: 'openwork' });
    expect(s2).toEqual({ kind: 'connected', remoteType: 'openwork', viaFallback: false });
  });
  it('lost connection goes to connecting, keeps the fallback flag on reconnect', () => {
    const c: ConnState = { kind: 'connected', remoteType: 'opencode', viaFallback: true };
    const l = reduceConn(c, { type: 'lost', reason: 'x' });
    expect(l).toMatchObject({ kind: 'connecting', attempt: 1 });
    const l2 = reduceConn(l, { type: 'lost', reason: 'x' });
    expect(l2).toMatchObject({ kind: 'connecting', attempt: 2 });
    expect(reduceConn(l2, { type: 'connected', remoteType: 'opencode' })).toEqual({ kind: 'connected', remoteType: 'opencode', viaFallback: true });
  });
  it('fallback flag does not survive a switch to another kind of remote', () => {
    const l: ConnState = { kind: 'connecting', remoteType: 'opencode', attempt: 1, viaFallback: true };
    expect(reduceConn(l, { type: 'connected', remoteType: 'openwork' })).toMatchObject({ viaFallback: false });
  });
  it('give up → disconnected; retry only when not an auth failure', () => {
    const c: ConnState = { kind: 'connecting', attempt: 4 };
    const d = reduceConn(c, { type: 'giveUp', reason: 'down' });
    expect(d).toEqual({ kind: 'disconnected', reason: 'down', authFailed: false });
    expect(reduceConn(d, { type: 'retry' }).kind).toBe('connecting');
    const a = reduceConn(c, { type: 'failed', reason: 'bad token', authFailed: true });
    expect(reduceConn(a, { type: 'retry' })).toBe(a);
  });
  it('lost while idle or disconnected changes nothing', () => {
    expect(reduceConn({ kind: 'idle' }, { type: 'lost', reason: '' })).toEqual({ kind: 'idle' });
  });
});

describe('header label and hint', () => {
  it('labels', () => {
    expect(headerLabel({ kind: 'connected', remoteType: 'openwork', viaFallback: false })).toBe('Connected · OpenWork');
    expect(headerLabel({ kind: 'connected', remoteType: 'opencode', viaFallback: true })).toBe('Connected · OpenCode');
    expect(headerLabel({ kind: 'connecting', attempt: 0 })).toBe('Connecting…');
    expect(headerLabel({ kind: 'disconnected', reason: '', authFailed: false })).toBe('Disconnected');
    expect(headerLabel({ kind: 'idle' })).toBe('Disconnected');
  });
  it('switching overlay label', () => {
    expect(switchingLabel({ to: 'project-beta' })).toBe('Switching to project-beta…');
  });
  it('hint only after a fallback', () => {
    expect(fallbackHint({ kind: 'connected', remoteType: 'opencode', viaFallback: true })).toBe('Connected via OpenCode (not OpenWork).');
    expect(fallbackHint({ kind: 'connected', remoteType: 'opencode', viaFallback: false })).toBeNull();
    expect(fallbackHint({ kind: 'connected', remoteType: 'openwork', viaFallback: true })).toBeNull();
  });
});

describe('workspace lines', () => {
  it('badge', () => {
    expect(badge(ow)).toBe('OpenWork');
    expect(badge(oc)).toBe('OpenCode');
    expect(badge({ ...oc, remoteType: undefined })).toBe('OpenCode');
    expect(badge({ id: 'l', name: 'x', workspaceType: 'local', path: '/x' })).toBe('Local');
  });
  it('primary: host URL for OpenWork, base URL for OpenCode', () => {
    expect(primaryLine(ow)).toBe('http://host:8787');
    expect(primaryLine({ ...ow, openworkHostUrl: undefined })).toBe('http://host:8787/opencode');
    expect(primaryLine(oc)).toBe('http://oc:4096');
  });
  it('secondary: workspace name for OpenWork, directory for OpenCode', () => {
    expect(secondaryLine({ ...ow, openworkWorkspaceName: 'Host name' })).toBe('Host name');
    expect(secondaryLine({ ...ow, openworkWorkspaceName: undefined })).toBe('/srv/proj');
    expect(secondaryLine(oc)).toBe('/home/me/app');
    expect(secondaryLine({ ...oc, opencodeDirectory: undefined })).toBe('app');
  });
});

describe('tokens', () => {
  it('mask', () => {
    expect(maskToken('abcdefghijklmnop')).toBe('abcd…op');
    expect(maskToken('short')).toBe('*****');
    expect(maskToken('')).toBe('****');
  });
  it('status', () => {
    const ok: ConnState = { kind: 'connected', remoteType: 'openwork', viaFallback: false };
    expect(tokenStatus(ow, ok)).toBe('present');
    expect(tokenStatus({ ...ow, hasToken: false }, ok)).toBe('missing');
    expect(tokenStatus(ow, { kind: 'disconnected', reason: '', authFailed: true })).toBe('invalid');
    expect(tokenStatus(oc, ok)).toBe('not needed');
  });
  it('pairing link token is taken out of the URL', () => {
    expect(takeTokenFromUrl('http://h:8787/?token=abc&x=1#f')).toEqual({ token: 'abc', pair: null, cleaned: '/?x=1#f' });
    expect(takeTokenFromUrl('http://h:8787/')).toEqual({ token: null, pair: null, cleaned: '/' });
    expect(takeTokenFromUrl('http://h:8787/?token=')).toEqual({ token: null, pair: null, cleaned: '/' });
    expect(takeTokenFromUrl('http://h:8787/?pair=c0de')).toEqual({ token: null, pair: 'c0de', cleaned: '/' });
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially with a cap and bounded jitter', () => {
    expect(backoffDelay(1, 0.5)).toBe(500);
    expect(backoffDelay(2, 0.5)).toBe(1000);
    expect(backoffDelay(3, 0.5)).toBe(2000);
    expect(backoffDelay(30, 0.5)).toBe(15000);
    expect(backoffDelay(1, 0)).toBe(400);
    expect(backoffDelay(1, 0.999)).toBeLessThanOrEqual(600);
  });
});

describe('extensions access', () => {
  const caps = { skills: { read: true, write: true }, plugins: { read: true, write: false } };
  it('direct OpenCode is read-only with an explanation', () => {
    const a = extensionAccess('opencode', caps, 'skills');
    expect(a.available).toBe(false);
    expect(a.explanation).toMatch(/direct OpenCode/);
  });
  it('OpenWork follows capabilities', () => {
    expect(extensionAccess('openwork', caps, 'skills')).toEqual({ available: true, canWrite: true, explanation: null });
    expect(extensionAccess('openwork', caps, 'plugins')).toMatchObject({ available: true, canWrite: false });
    expect(extensionAccess('openwork', caps, 'mcp').available).toBe(false);
    expect(extensionAccess('openwork', null, 'skills').available).toBe(false);
  });
  it('listings as rows', () => {
    expect(extensionRows({ kind: 'skills', body: { items: [{ name: 'deploy', description: 'Ship it', path: '/w/.opencode/skills/deploy/SKILL.md', scope: 'project' }] } }))
      .toEqual([{ key: 'deploy', title: 'deploy', detail: 'Ship it' }]);
    expect(extensionRows({ kind: 'plugins', body: { items: [{ spec: 'opencode-x@1', source: 'config', scope: 'project' }], loadOrder: [] } }))
      .toEqual([{ key: 'opencode-x@1', title: 'opencode-x@1', detail: 'config project' }]);
    expect(extensionRows({ kind: 'mcp', body: { items: [{ name: 'fs', config: { type: 'local', command: ['fs-mcp'] }, source: 'config.project' }] } }))
      .toEqual([{ key: 'fs', title: 'fs', detail: '{"type":"local","command":["fs-mcp"]}' }]);
  });
  it('skill names', () => {
    expect(validSkillName('my-skill-2')).toBe(true);
    expect(validSkillName('My')).toBe(false);
    expect(validSkillName('a--b')).toBe(false);
    expect(validSkillName('')).toBe(false);
  });
  it('uptime', () => {
    expect(formatUptime(null)).toBe('—');
    expect(formatUptime(42_000)).toBe('42 s');
    expect(formatUptime(3 * 60_000)).toBe('3 min');
    expect(formatUptime(125 * 60_000)).toBe('2 h 5 min');
  });
});

describe('pairing, devices, models', () => {
  it('needsPairing: only refused credentials the page holds', () => {
    const refused = { kind: 'disconnected', reason: 'x', authFailed: true } as const;
    expect(needsPairing(refused, true)).toBe(true);
    expect(needsPairing(refused, false)).toBe(false);
    expect(needsPairing({ kind: 'disconnected', reason: 'x', authFailed: false }, true)).toBe(false);
    expect(needsPairing({ kind: 'connected', remoteType: 'openwork', viaFallback: false }, true)).toBe(false);
  });
  it('parsePairingInput: a pairing link, a token link, a bare token', () => {
    expect(parsePairingInput('http://h:8787/?pair=abc')).toEqual({ pair: 'abc' });
    expect(parsePairingInput(' https://h/?token=t1 ')).toEqual({ token: 't1' });
    expect(parsePairingInput('owt_secret')).toEqual({ token: 'owt_secret' });
    expect(parsePairingInput('http://h:8787/')).toBeNull();
    expect(parsePairingInput('   ')).toBeNull();
  });
  it('deviceRow: label, scope, last use; the client token is not revocable', () => {
    const rel = (then: number, now: number) => `${Math.round((now - then) / 1000)} s ago`;
    expect(deviceRow({ id: 'd1', scope: 'viewer', label: 'phone', lastUsedAt: 1_000_000_000_000 }, 1_000_000_005_000, rel))
      .toEqual({ name: 'phone', scope: 'viewer', lastUsed: 'last used 5 s ago', revocable: true });
    expect(deviceRow({ id: 'd2', scope: 'owner', lastUsedAt: 1_000_000_000 }, 1_000_000_002_000, rel).lastUsed).toBe('last used 2 s ago');
    expect(deviceRow({ id: 'd3', scope: 'owner' }, 0, rel)).toMatchObject({ name: 'd3', lastUsed: 'never used' });
    expect(deviceRow({ id: CLIENT_TOKEN_ID, scope: 'owner' }, 0, rel).revocable).toBe(false);
  });
  it('hasUsableModel: a provider with models and a default it has', () => {
    expect(hasUsableModel({ providers: [], default: {} })).toBe(false);
    expect(hasUsableModel(null)).toBe(false);
    expect(hasUsableModel({ providers: [{ id: 'stub', models: {} }], default: { stub: 'm' } })).toBe(false);
    expect(hasUsableModel({ providers: [{ id: 'stub', models: { m: {} } }], default: {} })).toBe(false);
    expect(hasUsableModel({ providers: [{ id: 'stub', models: { m: {} } }], default: { stub: 'gone' } })).toBe(false);
    expect(hasUsableModel({ providers: [{ id: 'stub', models: { m: {} } }], default: { stub: 'm' } })).toBe(true);
  });
});
