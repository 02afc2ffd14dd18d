import { createSignal, Show } from 'solid-js';
import type { Mode, ConnectInput } from '../lib/api';

export interface ConnectFormProps {
  mode: Mode;
  idPrefix: string;
  submitLabel: string;
  initialError?: string | null;
  /** The host URL to start with (app mode). */
  initialUrl?: string;
  /** Resolves to an error message, or null on success. */
  onSubmit: (input: ConnectInput) => Promise<string | null>;
  onCancel?: () => void;
}

/** OpenWork Host URL + Access token, with "Advanced: connect directly to OpenCode". */
export function ConnectForm(props: ConnectFormProps) {
  const hostServed = () => props.mode === 'host';
  // eslint-disable-next-line solid/reactivity
  const [url, setUrl] = createSignal(hostServed() ? location.origin : (props.initialUrl ?? ''));
  const [token, setToken] = createSignal('');
  const [advanced, setAdvanced] = createSignal(false);
  const [baseUrl, setBaseUrl] = createSignal('');
  const [directory, setDirectory] = createSignal('');
  const [password, setPassword] = createSignal('');
  // Untracked on purpose: the initial error is shown once.
  // eslint-disable-next-line solid/reactivity
  const [error, setError] = createSignal<string | null>(props.initialError ?? null);
  const [busy, setBusy] = createSignal(false);
  const id = (s: string) => `${props.idPrefix}-${s}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const input: ConnectInput = advanced()
      ? { url: baseUrl().trim(), direct: true, directory: directory().trim() || undefined, opencodePassword: password() || undefined }
      : { url: url().trim(), token: token().trim() || undefined };
    if (!input.url) {
      setError(advanced() ? 'Enter the OpenCode base URL.' : 'Enter the OpenWork host URL.');
      return;
    }
    setBusy(true);
    try {
      setError(await props.onSubmit(input));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit} novalidate>
      <Show when={!advanced()}>
        <label for={id('url')}>OpenWork Host URL</label>
        <input
          id={id('url')}
          name="url"
          type="url"
          inputmode="url"
          autocomplete="url"
          placeholder="http://host.local:8787"
          value={url()}
          readOnly={hostServed()}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <label for={id('token')}>Access token</label>
        <input
          id={id('token')}
          name="token"
          type="password"
          autocomplete="off"
          placeholder="Client token from the host"
          value={token()}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
      </Show>
      <label class="toggle">
        <input
          type="checkbox"
          id={id('advanced')}
          checked={advanced()}
          disabled={hostServed()}
          onChange={(e) => setAdvanced(e.currentTarget.checked)}
        />
        Advanced: connect directly to OpenCode
      </label>
      <Show when={hostServed()}>
        <p class="muted small">Direct OpenCode connections need the OpenWork app (<code>openwork app</code>).</p>
      </Show>
      <Show when={advanced()}>
        <label for={id('base')}>OpenCode base URL</label>
        <input id={id('base')} type="url" placeholder="http://127.0.0.1:4096" value={baseUrl()} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        <label for={id('dir')}>Directory</label>
        <input id={id('dir')} type="text" placeholder="/path/to/project (optional)" value={directory()} onInput={(e) => setDirectory(e.currentTarget.value)} />
        <label for={id('pw')}>OpenCode password (optional)</label>
        <input id={id('pw')} type="password" autocomplete="off" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
      </Show>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="connect-error">
          {error()}
        </p>
      </Show>
      <div class="row">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? 'Connecting…' : props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
      </div>
    </form>
  );
}

export interface PairAgainFormProps {
  /** Resolves to an error message, or null on success. */
  onSubmit: (text: string) => Promise<string | null>;
}

/** The "pair again" screen's form: a new pairing link or an access token. */
export function PairAgainForm(props: PairAgainFormProps) {
  const [text, setText] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      setError(await props.onSubmit(text()));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} novalidate>
      <label for="repair-input">New pairing link or access token</label>
      <input
        id="repair-input"
        name="pairing"
        type="password"
        autocomplete="off"
        placeholder="http://host:8787/?pair=…"
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <Show when={error()}>
        <p class="error" role="alert" data-testid="repair-error">{error()}</p>
      </Show>
      <div class="row">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Pairing…' : 'Pair again'}</button>
      </div>
    </form>
  );
}

export interface HostFolderFormProps {
  idPrefix: string;
  /** Host the folder and connect to it; resolves to an error message, or null. */
  onSubmit: (path: string) => Promise<string | null>;
  onCancel?: () => void;
}

/** App mode, "Host a local folder": a folder of this machine, served by an
 *  OpenWork host started (or switched) for it. */
export function HostFolderForm(props: HostFolderFormProps) {
  const [path, setPath] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const id = (s: string) => `${props.idPrefix}-${s}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!path().trim()) {
      setError('Enter the folder to host.');
      return;
    }
    setBusy(true);
    try {
      setError(await props.onSubmit(path().trim()));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} novalidate>
      <label for={id('path')}>Folder</label>
      <input id={id('path')} placeholder="/home/me/project" value={path()} onInput={(e) => setPath(e.currentTarget.value)} />
      <Show when={error()}>
        <p class="error" role="alert" data-testid={id('error')}>{error()}</p>
      </Show>
      <div class="row">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Starting…' : 'Host this folder'}</button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>Cancel</button>
        </Show>
      </div>
    </form>
  );
}
