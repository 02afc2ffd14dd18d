import { createSignal, createResource, For, Show } from 'solid-js';
import { hostApi, type ExtensionKind, type ExtensionTypes, type Transport } from '../lib/api';
import { extensionAccess, extensionRows, validSkillName, type ExtensionRow, type RemoteType } from '../lib/state';
import { tabId, Tabs } from './Tabs';

export interface ExtensionsProps {
  transport: Transport;
  remoteType: RemoteType | undefined;
  workspaceId: string | undefined;
  epoch: number;
}

type Kind = ExtensionKind;
const KINDS = [['skills', 'Skills'], ['plugins', 'Plugins'], ['mcp', 'MCP']] as const satisfies readonly (readonly [Kind, string])[];

/** Skills / plugins / MCP servers through the host's `/workspace/:id/...` routes. */
export function Extensions(props: ExtensionsProps) {
  const [kind, setKind] = createSignal<Kind>('skills');
  const [caps] = createResource(
    () => (props.remoteType === 'openwork' ? props.epoch + 1 : null),
    () => hostApi.capabilities(props.transport).catch(() => null),
  );
  const access = () => extensionAccess(props.remoteType, caps() ?? null, kind());
  const workspaceId = () => props.workspaceId ?? '';
  const [error, setError] = createSignal<string | null>(null);
  const [items, { refetch }] = createResource(
    () => (access().available && props.workspaceId ? `${props.workspaceId}/${kind()}#${props.epoch}` : null),
    async (): Promise<ExtensionRow[]> => {
      try {
        return extensionRows(await hostApi.extensions(props.transport, workspaceId(), kind()));
      } catch (e) {
        setError((e as Error).message);
        return [];
      }
    },
  );

  // Add forms.
  const [name, setName] = createSignal('');
  const [text, setText] = createSignal('');
  const [desc, setDesc] = createSignal('');

  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const k = kind();
    let send: () => Promise<unknown>;
    if (k === 'skills') {
      if (!validSkillName(name())) return setError('Skill names are lowercase letters, digits and dashes (1–64).');
      if (!desc().trim()) return setError('A description is required.');
      const body: ExtensionTypes['skills']['add'] = { name: name(), description: desc().trim(), content: text() || `# ${name()}\n` };
      send = () => hostApi.addExtension(props.transport, workspaceId(), k, body);
    } else if (k === 'plugins') {
      if (!name().trim()) return setError('Enter an npm package spec.');
      const body: ExtensionTypes['plugins']['add'] = { spec: name().trim() };
      send = () => hostApi.addExtension(props.transport, workspaceId(), k, body);
    } else {
      if (!name().trim() || !text().trim()) return setError('Enter a name and a command.');
      const body: ExtensionTypes['mcp']['add'] = { name: name().trim(), config: { type: 'local', command: text().trim().split(/\s+/), enabled: true } };
      send = () => hostApi.addExtension(props.transport, workspaceId(), k, body);
    }
    try {
      await send();
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
      await hostApi.removeExtension(props.transport, workspaceId(), kind(), key);
      void refetch();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="card" aria-label="Extensions">
      <h2 tabindex="-1">Extensions</h2>
      <Tabs class="tabs" label="Kinds of extension" idPrefix="ext" items={KINDS} selected={kind()} onSelect={setKind} panelId={() => 'ext-panel'} />
      <div role="tabpanel" id="ext-panel" aria-labelledby={tabId('ext', kind())}>
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
      </div>
    </section>
  );
}
