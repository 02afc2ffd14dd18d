import { createResource, createSignal, For, Show } from 'solid-js';
import { hostApi, opencodeApi, remote, type Transport } from '../lib/api';
import { readableError } from '../lib/chat';
import { hasUsableModel, NO_MODEL_ASK_OWNER } from '../lib/state';

export interface NoModelProps {
  transport: Transport;
  /** Changes when the workspace changes or changed under us: look again. */
  reload: number;
  /** Whether the engine has no usable model (the composer is disabled then). */
  onChange: (noModel: boolean) => void;
}

/** "No model yet": the engine has no provider with a model (or no default).
 *  An owner can add an API key here; anyone else is told whom to ask. */
export function NoModel(props: NoModelProps) {
  const [info, { refetch }] = createResource(
    () => ({ t: props.transport, n: props.reload }),
    async ({ t }) => {
      let usable: boolean;
      try {
        usable = hasUsableModel(await opencodeApi.providers(t));
      } catch {
        usable = true; // unknown: do not get in the way
      }
      props.onChange(!usable);
      if (usable) return { usable, owner: false, known: [] as { id: string; name: string }[] };
      // A direct OpenCode (no /capabilities) takes keys from whoever reaches it.
      const owner = await hostApi.capabilities(t).then((c) => (c as { scope?: string }).scope === 'owner', () => true);
      const known = owner
        ? await remote<{ all?: { id: string; name?: string }[] }>(t, '/opencode/provider')
          .then((r) => (r.all ?? []).map((p) => ({ id: p.id, name: p.name ?? p.id })).sort((a, b) => a.name.localeCompare(b.name)), () => [])
        : [];
      return { usable, owner, known };
    },
  );
  const [provider, setProvider] = createSignal('');
  const [key, setKey] = createSignal('');
  const [msg, setMsg] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const id = provider().trim() || info()?.known[0]?.id || '';
    if (!id || !key().trim()) {
      setError('Choose a provider and enter its API key.');
      return;
    }
    setBusy(true);
    try {
      await opencodeApi.setApiKey(props.transport, id, key().trim());
      setKey('');
      setMsg(`API key saved for ${id}.`);
      void refetch();
    } catch (err) {
      setError(readableError(err, 'save the API key'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={info() && !info()!.usable}>
      <section class="card no-model" aria-labelledby="no-model-h" data-testid="no-model">
        <h2 id="no-model-h">No model yet</h2>
        <p>OpenCode on this host has no model to answer with, so messages cannot be sent.</p>
        <Show when={info()!.owner} fallback={<p data-testid="no-model-ask">Ask the host's owner to add a model: on the host run <code>opencode auth login</code></p>}>
          <form class="form" onSubmit={save} novalidate>
            <label for="nm-provider">Provider</label>
            <Show
              when={info()!.known.length}
              fallback={<input id="nm-provider" placeholder="anthropic" value={provider()} onInput={(e) => setProvider(e.currentTarget.value)} />}
            >
              <select id="nm-provider" value={provider() || info()!.known[0]!.id} onChange={(e) => setProvider(e.currentTarget.value)}>
                <For each={info()!.known}>{(p) => <option value={p.id}>{p.name}</option>}</For>
              </select>
            </Show>
            <label for="nm-key">API key</label>
            <input id="nm-key" type="password" autocomplete="off" value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
            <Show when={error()}>
              <p class="error" role="alert">{error()}</p>
            </Show>
            <Show when={msg()}>
              <p role="status">{msg()}</p>
            </Show>
            <div class="row">
              <button type="submit" class="primary" disabled={busy()}>Add API key</button>
            </div>
          </form>
        </Show>
      </section>
    </Show>
  );
}
