import { createSignal, Show, type JSX } from 'solid-js';
import { Dialog } from './Dialog';

export interface ConfirmProps {
  title: string;
  /** What happens, in a sentence or two. */
  children: JSX.Element;
  /** The confirming button's label ("Rotate", "Revoke", "Remove"). */
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | unknown;
  onCancel: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
}

/** A confirmation before something that cannot be undone: Cancel (first,
 *  and where the focus starts) or the action. Escape cancels. */
export function Confirm(props: ConfirmProps) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={() => props.onCancel()} initialFocus="[data-cancel]" returnFocus={props.returnFocus} testId="confirm-dialog">
      <p>{props.children}</p>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <div class="row">
        <button type="button" data-cancel onClick={() => props.onCancel()}>Cancel</button>
        <button type="button" class="danger" disabled={busy()} onClick={() => void confirm()}>{props.confirmLabel}</button>
      </div>
    </Dialog>
  );
}
