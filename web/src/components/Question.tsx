import { createSignal, For, Show } from 'solid-js';
import { OWN_ANSWER, questionAnswers, type QuestionView } from '../lib/opencode';

export interface QuestionProps {
  request: QuestionView;
  /** Send the answers (`POST /question/:id/reply`); rejects on failure. */
  onAnswer: (answers: string[][]) => Promise<void>;
  /** Decline to answer (`POST /question/:id/reject`). */
  onDismiss: () => Promise<void>;
}

/** Questions the agent asks (OpenCode's `question` tool): per question its
 *  options (radio buttons, or checkboxes when several may be picked) and,
 *  unless the question says otherwise, a typed answer of one's own. The
 *  session waits until it is answered or dismissed. */
export function QuestionPrompt(props: QuestionProps) {
  const qs = () => props.request.questions;
  const [picked, setPicked] = createSignal<string[][]>(qs().map(() => []));
  const [typed, setTyped] = createSignal<string[]>(qs().map(() => ''));
  const [busy, setBusy] = createSignal(false);
  const answers = () => questionAnswers(qs(), picked(), typed());
  const pick = (i: number, label: string, multiple: boolean, on = true) =>
    setPicked((all) =>
      all.map((p, j) => {
        if (j !== i) return p;
        if (!multiple) return [label];
        const has = p.includes(label);
        return on && !has ? [...p, label] : !on && has ? p.filter((x) => x !== label) : p;
      }),
    );
  const send = async (e: Event) => {
    e.preventDefault();
    const a = answers();
    if (!a || busy()) return;
    setBusy(true);
    try {
      await props.onAnswer(a);
    } finally {
      setBusy(false);
    }
  };
  const dismiss = async () => {
    if (busy()) return;
    setBusy(true);
    try {
      await props.onDismiss();
    } finally {
      setBusy(false);
    }
  };
  const name = (i: number) => `${props.request.id}-q${i}`;
  return (
    <div class="question" role="alertdialog" aria-label="Question from OpenCode" data-question-id={props.request.id}>
    <form class="question-form" onSubmit={send}>
      <For each={qs()}>
        {(q, i) => (
          <fieldset>
            <legend>
              <Show when={q.header}>
                <span class="q-header">{q.header}</span>{' '}
              </Show>
              {q.question}
              <Show when={q.multiple}>
                <span class="muted"> (pick any)</span>
              </Show>
            </legend>
            <For each={q.options}>
              {(o) => (
                <label class="q-option">
                  <input
                    type={q.multiple ? 'checkbox' : 'radio'}
                    name={name(i())}
                    value={o.label}
                    checked={picked()[i()]?.includes(o.label) ?? false}
                    onChange={(e) => pick(i(), o.label, q.multiple, e.currentTarget.checked)}
                  />
                  <span>
                    <span class="primary-line">{o.label}</span>
                    <Show when={o.description}>
                      <span class="secondary-line">{o.description}</span>
                    </Show>
                  </span>
                </label>
              )}
            </For>
            <Show when={q.custom}>
              <label class="q-option">
                <input
                  type={q.multiple ? 'checkbox' : 'radio'}
                  name={name(i())}
                  value=""
                  checked={picked()[i()]?.includes(OWN_ANSWER) ?? false}
                  onChange={(e) => pick(i(), OWN_ANSWER, q.multiple, e.currentTarget.checked)}
                />
                <span class="primary-line">My own answer</span>
              </label>
              <input
                class="q-own"
                type="text"
                aria-label={`My own answer to: ${q.question}`}
                placeholder="Type your own answer"
                value={typed()[i()] ?? ''}
                onInput={(e) => {
                  const v = e.currentTarget.value;
                  setTyped((all) => all.map((t, j) => (j === i() ? v : t)));
                  if (v.trim() && !picked()[i()]?.includes(OWN_ANSWER)) pick(i(), OWN_ANSWER, q.multiple);
                }}
              />
            </Show>
          </fieldset>
        )}
      </For>
      <div class="row">
        {/* Not disabled while sending: a focused button that is disabled drops the focus to <body>. */}
        <button type="submit" class="primary" disabled={!answers()}>Answer</button>
        <button type="button" onClick={dismiss}>Dismiss</button>
      </div>
    </form>
    </div>
  );
}
