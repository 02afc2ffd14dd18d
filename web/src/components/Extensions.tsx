import { createSignal, createResource, For, Show } from 'solid-js';
import { remote, type Transport } from '../lib/api';
import { extensionAccess, validSkillName, type Capabilities, type RemoteType } from '../lib/state';

export interface ExtensionsProps {
  transport: Transport;
  remoteType: RemoteType | undefined;
  workspaceId: string | undefined;
  epoch: number;
}

type Kind = 'skills' | 'plugins' | 'mcp';
interface Item {
  key: string;
  title: string;
  detail: string;
}

/** Skills / plugins / MCP servers through the host's `/workspace/:id/...` routes. */
export function Extensions(props: ExtensionsProps) {
  const [kind, setKind] = createSignal<Kind>('skills');
  const [caps] = createResource(
    () => (props.remoteType === 'openwork' ? props.epoch + 1 : null),
    () => remote<Capabilities>(props.transport, '/capabilities').catch(() => null),
  );
  const access = () => extensionAccess(props.remoteType, caps() ?? null, kind());
  const base = () => `/workspace/${encodeURIComponent(props.workspaceId ?? '')}/${kind()}`;
  const [error, setError] = createSignal<string | null>(null);
  const [items, { refetch }] = createResource(
    () => (access().available && props.workspaceId ? `${base()}#${props.epoch}` : null),
    async (): Promise<Item[]> => {
      let r: { items: Record<string, unknown>[] };
      try {
        r = await remote<{ items: Record<string, unknown>[] }>(props.transport, base());
      } catch (e) {
        setError((e as Error).message);
        return [];
      }
      return (r.items ?? []).map((i) => {
        if (kind() === 'skills') return { key: String(i.name), title: String(i.name), detail: String(i.description ?? '') };
        if (kind() === 'plugins') return { key: String(i.spec), title: String(i.spec), detail: `${String(i.source ?? '')} ${String(i.scope ?? '')}` };
        return { key: String(i.name), title: String(i.name), detail: JSON.stringify(i.config ?? {}) };
      });
    },
  );

  // Add forms.
  const [name, setName] = createSignal('');
  const [text, setText] = createSignal('');
  const [desc, setDesc] = createSignal('');

  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    let body: unknown;
    if (kind() === 'skills') {
      if (!validSkillName(name())) return setError('Skill names are lowercase letters, digits and dashes (1–64).');
      if (!desc().trim()) return setError('A description is required.');
      body = { name: name(), description: desc().trim(), content: text() || `# ${name()}\n` };
    } else if (kind() === 'plugins') {
      if (!name().trim()) return setError('Enter an npm package spec.');
      body = { spec: name().trim() };
    } else {
      if (!name().trim() || !text().trim()) return setError('Enter a name and a command.');
      body = { name: name().trim(), config: { type: 'local', command: text().trim().split(/\s+/), enabled: true } };
    }
    try {
      await remote(props.transport, base(), { method: 'POST', body });
      setName('');
      setText('');
      setDesc('');
      void refetch();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const removeItem = async (key: string) => {
    setError(null);
    try {
      await remote(props.transport, `${base()}/${encodeURIComponent(key)}`, { method: 'DELETE' });
      void refetch();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const tab = (k: Kind, label: string) => (
    <button role="tab" aria-selected={kind() === k} classList={{ selected: kind() === k }} onClick={() => setKind(k)}>
      {label}
    </button>
  );

  return (
    <section class="card" aria-label="Extensions">
      <h2>Extensions</h2>
      <div role="tablist" class="tabs">
        {tab('skills', 'Skills')}
        {tab('plugins', 'Plugins')}
        {tab('mcp', 'MCP')}
      </div>
      <Show when={access().explanation}>
        <p class="notice" data-testid="extensions-notice">{access().explanation}</p>
      </Show>
      <Show when={access().available}>
        <ul class="list" data-testid="extension-list">
          <For each={items() ?? []} fallback={<li class="muted">Nothing yet.</li>}>
            {(i) => (
              <li class="row between ext-item">
                <span>
                  <span class="primary-line">{i.title}</span>
                  <span class="secondary-line">{i.detail}</span>
                </span>
                <Show when={access().canWrite}>
                  <button class="danger" aria-label={`Remove ${i.title}`} onClick={() => removeItem(i.key)}>Remove</button>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={access().canWrite}>
          <form class="form" onSubmit={add}>
            <label for="ext-name">{kind() === 'plugins' ? 'Package (npm spec)' : 'Name'}</label>
            <input id="ext-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <Show when={kind() === 'skills'}>
              <label for="ext-desc">Description</label>
              <input id="ext-desc" value={desc()} onInput={(e) => setDesc(e.currentTarget.value)} />
            </Show>
            <Show when={kind() !== 'plugins'}>
              <label for="ext-text">{kind() === 'skills' ? 'Instructions (Markdown)' : 'Command'}</label>
              <textarea id="ext-text" rows="3" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
            </Show>
            <button type="submit" class="primary">Add {kind() === 'skills' ? 'skill' : kind() === 'plugins' ? 'plugin' : 'MCP server'}</button>
          </form>
        </Show>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
    </section>
  );
}
