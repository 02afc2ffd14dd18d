import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { app, type DeviceToken, type LocalHostInfo } from '../lib/api';
import type { ApprovalRequest } from '../lib/api-types';
import { relativeTime } from '../lib/chat';
import { deviceRow, formatUptime, headerLabel, LOOPBACK_NOTE, maskToken, primaryLine, tokenStatus, type ConnState, type WorkspaceEntry } from '../lib/state';
import { Confirm } from './Confirm';

export interface SettingsProps {
  appMode: boolean;
  active: WorkspaceEntry | undefined;
  conn: ConnState;
  epoch: number;
  onChanged: () => void;
}

/** Connection card (client mode), plus host controls when a host runs on this machine. */
export function Settings(props: SettingsProps) {
  const [local, { refetch }] = createResource(
    () => (props.appMode ? props.epoch + 1 : null),
    () => app.localHost().catch((): LocalHostInfo => ({ running: false })),
  );
  const [approvals, { refetch: refetchApprovals }] = createResource(
    () => (props.appMode && local()?.running ? props.epoch + 1 : null),
    () => app.approvals().then((r) => r.items).catch((): ApprovalRequest[] => []),
  );
  const [devices, { refetch: refetchDevices }] = createResource(
    () => (props.appMode && local()?.running ? props.epoch + 1 : null),
    () => app.tokens().then((r) => r.items).catch((): DeviceToken[] => []),
  );
  const [now, setNow] = createSignal(Date.now());
  // Changes arrive while the page is open: look again every few seconds.
  const poll = window.setInterval(() => {
    if (!local()?.running) return;
    void refetchApprovals();
    void refetchDevices();
    setNow(Date.now());
  }, 3000);
  const [confirm, setConfirm] = createSignal<{ kind: 'rotate' } | { kind: 'revoke'; device: DeviceToken } | null>(null);
  onCleanup(() => window.clearInterval(poll));
  const [reveal, setReveal] = createSignal(false);
  const [pairScope, setPairScope] = createSignal<'viewer' | 'collaborator' | 'owner'>('collaborator');
  const [pairing, setPairing] = createSignal<Awaited<ReturnType<typeof app.pair>> | null>(null);
  const makePairing = async () => {
    try {
      setPairing(await app.pair(pairScope()));
      setMsg('Pairing link ready: it works once.');
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const [msg, setMsg] = createSignal<string | null>(null);

  const act = async (f: () => Promise<unknown>, done: string) => {
    setMsg(null);
    try {
      await f();
      setMsg(done);
      void refetch();
      void refetchApprovals();
      void refetchDevices();
      props.onChanged();
    } catch (e) {
      setMsg((e as Error).message);
    }
  };

  return (
    <div class="settings">
      <section class="card" aria-label="Connection" data-testid="connection-card">
        <h2 tabindex="-1">Connection</h2>
        <dl>
          <dt>{props.active?.remoteType === 'openwork' ? 'Host URL' : 'Base URL'}</dt>
          <dd>{props.active ? primaryLine(props.active) : '—'}</dd>
          <dt>State</dt>
          <dd>{headerLabel(props.conn)}</dd>
          <dt>Token</dt>
          <dd data-testid="token-status">{tokenStatus(props.active, props.conn)}</dd>
        </dl>
      </section>
      <Show when={local()?.running ? local() : undefined}>
        {(h) => (
          <section class="card" aria-label="This machine's host" data-testid="host-card">
            <h2>Hosting on this machine</h2>
            <dl>
              <dt>Pairing URL</dt>
              <dd>
                <code>{h().pairingUrl}</code>
                <Show when={h().reachableFromOtherDevices === false}>
                  <p class="muted small" data-testid="loopback-note">{LOOPBACK_NOTE}</p>
                </Show>
              </dd>
              <dt>Folder</dt>
              <dd>{h().workspace}</dd>
              <dt>Client token</dt>
              <dd>
                <code data-testid="client-token">{reveal() ? h().clientToken : maskToken(h().clientToken ?? '')}</code>
                <span class="row">
                  <button onClick={() => setReveal(!reveal())}>{reveal() ? 'Hide' : 'Reveal'}</button>
                  <button class="danger" onClick={() => setConfirm({ kind: 'rotate' })}>Rotate</button>
                </span>
              </dd>
            </dl>
            <h3 id="pair-h">Pair a device</h3>
            <p class="muted">A link that works once, for a few minutes: the device that opens it gets its own token (revocable on its own). No long-lived token is in the link.</p>
            <div class="row" role="group" aria-labelledby="pair-h">
              <label for="pair-scope">Access</label>
              <select id="pair-scope" value={pairScope()} onChange={(e) => setPairScope(e.currentTarget.value as 'viewer' | 'collaborator' | 'owner')}>
                <option value="viewer">Viewer: read only</option>
                <option value="collaborator">Collaborator: chat, commands, terminal</option>
                <option value="owner">Owner: also config, extensions, tokens</option>
              </select>
              <button onClick={() => void makePairing()}>Make a pairing link</button>
            </div>
            <Show when={pairing()}>
              {(p) => (
                <div class="pairing" data-testid="pairing">
                  <p><code data-testid="pairing-link">{p().url}</code></p>
                  <span class="row">
                    <button onClick={() => act(() => navigator.clipboard.writeText(p().url), 'Pairing link copied.')}>Copy link</button>
                  </span>
                  <Show when={p().qrSvg}>
                    <img class="qr" alt={`QR code of the pairing link (${p().scope})`} src={`data:image/svg+xml;utf8,${encodeURIComponent(p().qrSvg ?? '')}`} />
                  </Show>
                </div>
              )}
            </Show>
            <h3 id="devices-h">Devices</h3>
            <ul class="list" aria-labelledby="devices-h" data-testid="devices">
              <For each={devices() ?? []} fallback={<li class="muted">No devices yet.</li>}>
                {(d) => {
                  const row = () => deviceRow(d, now(), (then, at) => relativeTime(then, at));
                  return (
                    <li class="row between" data-device-id={d.id}>
                      <span>
                        <strong>{row().name}</strong> <span class="badge">{row().scope}</span>
                        <span class="muted small"> · {row().lastUsed}</span>
                      </span>
                      <Show when={row().revocable}>
                        <button class="danger" aria-label={`Revoke ${row().name}`} onClick={() => setConfirm({ kind: 'revoke', device: d })}>Revoke</button>
                      </Show>
                    </li>
                  );
                }}
              </For>
            </ul>
            <h3>Engine</h3>
            <dl data-testid="engine-status">
              <dt>State</dt>
              <dd>{h().engine?.state ?? 'unknown'}</dd>
              <dt>PID</dt>
              <dd>{h().engine?.pid ?? '—'}</dd>
              <dt>Uptime</dt>
              <dd>{formatUptime(h().engine?.uptimeMs)}</dd>
              <dt>Restarts</dt>
              <dd>{h().engine?.restarts ?? 0}</dd>
              <dt>Last error</dt>
              <dd>{h().engine?.lastError ?? 'none'}</dd>
            </dl>
            <button onClick={() => act(() => app.restart(), 'Engine restarting…')}>Restart engine</button>
            <Show when={approvals()?.length}>
              <h3>Waiting for your approval</h3>
              <ul class="list" data-testid="approvals">
                <For each={approvals()}>
                  {(a) => (
                    <li class="approval">
                      <p><strong>{a.summary}</strong></p>
                      <Show when={a.change}>
                        <pre class="change" aria-label={`The change: ${a.summary}`}>{a.change}</pre>
                      </Show>
                      <span class="row">
                        <button class="primary" onClick={() => act(() => app.answerApproval(a.id, 'allow'), 'Allowed.')}>Allow</button>
                        <button class="danger" onClick={() => act(() => app.answerApproval(a.id, 'deny'), 'Denied.')}>Deny</button>
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>
        )}
      </Show>
      <Show when={confirm()}>
        {(c) => {
          const cur = c();
          return cur.kind === 'rotate' ? (
            <Confirm
              title="Rotate the client token?"
              confirmLabel="Rotate"
              onCancel={() => setConfirm(null)}
              onConfirm={async () => { setConfirm(null); await act(() => app.rotate(), 'Token rotated: paired devices must pair again.'); }}
            >
              A new client token replaces the current one at once. Every device that uses the current one is disconnected and must pair again.
            </Confirm>
          ) : (
            <Confirm
              title="Revoke this device?"
              confirmLabel="Revoke"
              returnFocus={() => document.querySelector<HTMLElement>('[data-testid="devices"] button') ?? document.querySelector<HTMLElement>('[data-testid="host-card"] button')}
              onCancel={() => setConfirm(null)}
              onConfirm={async () => { setConfirm(null); await act(() => app.revokeToken(cur.device.id), 'Device revoked: it must pair again.'); }}
            >
              “{deviceRow(cur.device, now(), relativeTime).name}” ({cur.device.scope}) loses access at once. It can pair again with a new pairing link.
            </Confirm>
          );
        }}
      </Show>
      <Show when={msg()}>
        <p role="status" class="notice">{msg()}</p>
      </Show>
    </div>
  );
}
