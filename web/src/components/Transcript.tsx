import { createEffect, createSignal, For, Index, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { anchorAt, isAtBottom } from '../lib/chat';
import type { ScrollAnchor } from '../lib/composer';
import { copyText } from '../lib/clipboard';
import { TODO_STATUS_TEXT, todosOpen, todoSummary, type MessageView, type TodoView, type Transcript as TranscriptModel } from '../lib/opencode';
import { messageBlocks, type Block, type ToolView } from '../lib/tools';

type MarkdownModule = typeof import('../lib/markdown');
const [markdown, setMarkdown] = createSignal<MarkdownModule | null>(null);
/** The renderer's load is over, either way (messages are drawn as they will stay). */
const [markdownSettled, setMarkdownSettled] = createSignal(false);
let loading: Promise<void> | null = null;

/** Start loading the Markdown renderer (marked, DOMPurify: a chunk of their
 *  own); until it is there, messages show as plain text. */
export function preloadMarkdown(): void {
  loading ??= import('../lib/markdown').then(
    (m) => {
      setMarkdown(() => m);
      setMarkdownSettled(true);
    },
    () => {
      loading = null;
      setMarkdownSettled(true);
    },
  );
}

/** Assistant text as sanitised Markdown; code blocks highlighted (lazily) with a Copy button. */
export function Markdown(props: { text: string }) {
  let el!: HTMLDivElement;
  const [said, setSaid] = createSignal('');
  createEffect(() => {
    const md = markdown();
    const text = props.text;
    if (!md) {
      el.classList.add('plain');
      el.textContent = text;
      return;
    }
    el.classList.remove('plain');
    el.innerHTML = md.renderMarkdown(text);
    for (const pre of el.querySelectorAll('pre')) addCopyButton(pre);
    void md.highlightBlocks(el);
  });
  const timers = new Set<number>();
  onCleanup(() => timers.forEach((t) => clearTimeout(t)));
  const onClick = async (e: MouseEvent) => {
    const button = (e.target as Element | null)?.closest('button.copy-code');
    const code = button?.closest('.code-block')?.querySelector('pre')?.textContent;
    if (!button || code === undefined) return;
    const ok = await copyText(code);
    // The name says what the button shows (and which code it copies).
    const name = button.getAttribute('data-label') ?? 'Copy code';
    const what = name.replace(/^Copy /, '');
    button.textContent = ok ? 'Copied' : 'Copy failed';
    button.setAttribute('aria-label', ok ? `Copied ${what}` : `Copy failed (${what})`);
    setSaid(ok ? 'Code copied to the clipboard' : 'Could not copy the code');
    timers.add(window.setTimeout(() => { button.textContent = 'Copy'; button.setAttribute('aria-label', name); setSaid(''); }, 2000));
  };
  return (
    <>
      <div ref={el} class="md text" onClick={onClick} />
      <span class="sr-only" aria-live="polite">{said()}</span>
    </>
  );
}

function addCopyButton(pre: HTMLPreElement): void {
  const wrap = document.createElement('div');
  wrap.className = 'code-block';
  const bar = document.createElement('div');
  bar.className = 'code-bar';
  const lang = /language-([\w+#.-]+)/.exec(pre.querySelector('code')?.className ?? '')?.[1];
  const label = document.createElement('span');
  label.className = 'code-lang';
  label.textContent = lang ?? '';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy-code';
  button.textContent = 'Copy';
  const name = lang ? `Copy ${lang} code` : 'Copy code';
  button.setAttribute('aria-label', name);
  button.setAttribute('data-label', name);
  bar.append(label, button);
  pre.replaceWith(wrap);
  wrap.append(bar, pre);
}

const TODO_MARK: Record<TodoView['status'], string> = { pending: '○', in_progress: '◐', completed: '✓', cancelled: '✕' };

/** A todo list: each item with its mark and its status in words. */
export function TodoList(props: { todos: TodoView[]; label: string }) {
  return (
    <ul class="todos" aria-label={props.label}>
      <For each={props.todos}>
        {(t) => (
          <li class={`todo ${t.status}`} data-status={t.status}>
            <span class="todo-mark" aria-hidden="true">{TODO_MARK[t.status]}</span>
            <span class="todo-text">{t.content}</span>
            <span class="todo-status">{TODO_STATUS_TEXT[t.status]}</span>
          </li>
        )}
      </For>
    </ul>
  );
}

/** The agent's todo list of the open session, above the composer: open
 *  while work is left on it, folded once all is done. */
export function TodoPanel(props: { todos: TodoView[] }) {
  return (
    <Show when={props.todos.length}>
      <details class="todo-panel" open={todosOpen(props.todos)} data-testid="todo-panel">
        <summary>
          Todo list <span class="muted">· {todoSummary(props.todos)}</span>
        </summary>
        <TodoList todos={props.todos} label="The agent's todo list" />
      </details>
    </Show>
  );
}

/** A tool call: name, status, title, what it works on, error, diff; input and output folded. */
export function ToolCall(props: { tool: ToolView }) {
  const t = () => props.tool;
  return (
    <div class="tool" data-status={t().status} data-tool={t().name}>
      <div class="tool-head">
        <span class="tool-name">{t().name}</span>
        <span class={`tool-status ${t().status}`}>{t().status}</span>
        <Show when={t().title}>
          <span class="tool-title">{t().title}</span>
        </Show>
      </div>
      <Show when={t().subject}>
        {(s) => (
          <div class="tool-subject">
            <span class="muted">{s().label}: </span>
            <code>{s().text}</code>
          </div>
        )}
      </Show>
      <Show when={t().error}>
        <p class="tool-error">{t().error}</p>
      </Show>
      <Show when={t().todos}>{(list) => <TodoList todos={list()} label="Todo list written" />}</Show>
      <Show when={t().diff}>
        {(lines) => (
          <details class="tool-diff" open>
            <summary>
              Changes <span class="diff-add">+{t().added}</span> <span class="diff-del">−{t().removed}</span>
            </summary>
            <pre class="diff">
              <For each={lines()}>{(l) => <span class={`dl ${l.kind}`}>{l.text}{'\n'}</span>}</For>
            </pre>
          </details>
        )}
      </Show>
      <Show when={t().input || t().output !== undefined}>
        <details class="tool-io">
          <summary>{t().output !== undefined ? 'Input and output' : 'Input'}</summary>
          <Show when={t().input}>
            <div class="io-label">Input</div>
            <pre>{t().input}</pre>
          </Show>
          <Show when={t().output !== undefined}>
            <div class="io-label">Output</div>
            <pre>{t().output || '(no output)'}</pre>
          </Show>
        </details>
      </Show>
    </div>
  );
}

function BlockView(props: { block: Block; role: MessageView['role'] }) {
  return (
    <Switch>
      <Match when={props.block.kind === 'text' && props.block}>
        {(b) => (props.role === 'user' ? <div class="text plain">{b().text}</div> : <Markdown text={b().text} />)}
      </Match>
      <Match when={props.block.kind === 'reasoning' && props.block}>
        {(b) => (
          <details class="reasoning">
            <summary>Reasoning</summary>
            <div class="text plain">{b().text}</div>
          </details>
        )}
      </Match>
      <Match when={props.block.kind === 'tool' && props.block}>{(b) => <ToolCall tool={b().tool} />}</Match>
    </Switch>
  );
}

/** One message. Items are kept by position, so a message streaming in updates
 *  in place (an opened <details> stays open). */
function Message(props: { message: MessageView }) {
  const m = () => props.message;
  const blocks = () => messageBlocks(m());
  return (
    <li class={`msg ${m().role}`} classList={{ optimistic: !!m().optimistic }} data-role={m().role} data-message-id={m().id}>
      <span class="who">
        {m().role === 'user' ? 'You' : 'Assistant'}
        <Show when={m().optimistic}>
          <span class="muted"> · sending…</span>
        </Show>
      </span>
      <Index each={blocks()}>{(b) => <BlockView block={b()} role={m().role} />}</Index>
      <Show when={m().error}>
        <div class="error">{m().error}</div>
      </Show>
    </li>
  );
}

export interface TranscriptProps {
  transcript: TranscriptModel;
  /** Changes when the view must go to the end and follow it (a message sent). */
  follow: number;
  /** A place to go back to once this session's messages are shown (after a reload). */
  restore?: { sessionID: string; anchor: ScrollAnchor } | null;
  onRestored?: () => void;
  /** Where the reader is, or null at the end. */
  onPosition?: (anchor: ScrollAnchor | null) => void;
}

/** The messages, scrolling on their own: they follow new text while the
 *  reader is at the end; scrolled up, a "Jump to latest" button brings them back. */
export function TranscriptView(props: TranscriptProps) {
  let scroller!: HTMLDivElement;
  let list!: HTMLOListElement;
  const [atEnd, setAtEnd] = createSignal(true);
  const toEnd = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };
  onMount(() => {
    // Content or box size changed (text streamed in, a block highlighted,
    // the composer grew): stay at the end if the reader was there.
    const ro = new ResizeObserver(() => {
      if (atEnd()) toEnd();
    });
    ro.observe(list);
    ro.observe(scroller);
    onCleanup(() => ro.disconnect());
    toEnd();
  });
  createEffect(on([() => props.follow, () => props.transcript.sessionID], () => {
    setAtEnd(true);
    toEnd();
  }, { defer: true }));
  /** Each message's top and bottom in the scrolled content. */
  const messageTops = () => {
    const base = scroller.getBoundingClientRect().top - scroller.scrollTop;
    return [...list.children].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: (el as HTMLElement).dataset.messageId ?? '', top: r.top - base, bottom: r.bottom - base };
    });
  };
  // After a reload: back to the message the reader was at, once the
  // messages are drawn as they will stay (Markdown loaded).
  createEffect(() => {
    const r = props.restore;
    if (!r || r.sessionID !== props.transcript.sessionID || !props.transcript.messages.length || !markdownSettled()) return;
    queueMicrotask(() => {
      const at = messageTops().find((m) => m.id === r.anchor.messageId);
      if (at) {
        setAtEnd(false);
        scroller.scrollTop = at.top + r.anchor.offset;
        lastTop = scroller.scrollTop;
        if (isAtBottom(scroller)) setAtEnd(true);
      }
      props.onRestored?.();
    });
  });
  // At the end again: follow. Moved up (by the reader: a layout change
  // that moves the view leaves it at the end): stop following.
  let lastTop = 0;
  /** The place is saved once per frame at most (it measures the messages). */
  let placePending = false;
  const savePlace = () => {
    if (placePending) return;
    placePending = true;
    requestAnimationFrame(() => {
      placePending = false;
      props.onPosition?.(isAtBottom(scroller) ? null : anchorAt(messageTops(), scroller.scrollTop));
    });
  };
  const onScroll = () => {
    const top = scroller.scrollTop;
    if (isAtBottom(scroller)) setAtEnd(true);
    else if (top < lastTop) setAtEnd(false);
    lastTop = top;
    savePlace();
  };
  const jump = () => {
    setAtEnd(true);
    toEnd();
  };
  return (
    <div class="transcript-wrap">
      <div class="transcript" ref={scroller} onScroll={onScroll} tabindex="0" role="region" aria-label="Transcript">
        <ol class="messages" ref={list} data-testid="messages" aria-live="polite" aria-busy={props.transcript.busy}>
          <Index each={props.transcript.messages}>{(m) => <Message message={m()} />}</Index>
        </ol>
        <Show when={!props.transcript.messages.length}>
          <p class="muted empty-chat">No messages yet. Ask OpenCode something below.</p>
        </Show>
      </div>
      <Show when={!atEnd()}>
        <button type="button" class="jump-latest" onClick={jump} data-testid="jump-latest">
          Jump to latest ↓
        </button>
      </Show>
    </div>
  );
}
