import { For } from 'solid-js';
import { tabKeyTarget } from '../lib/a11y';

export interface TabsProps<T extends string> {
  /** What the row of tabs is, for a screen reader. */
  label: string;
  /** Makes the tabs' ids: `${idPrefix}-tab-${value}`. */
  idPrefix: string;
  items: readonly (readonly [T, string])[];
  selected: T;
  onSelect: (value: T) => void;
  /** The id of the tabpanel a tab shows. */
  panelId: (value: T) => string;
  class?: string;
}

/** The id of a tab of a `Tabs` row (a tabpanel's aria-labelledby). */
export const tabId = (idPrefix: string, value: string) => `${idPrefix}-tab-${value}`;

/** ARIA tabs: one tab in the Tab order (the selected one), Left/Right/Home/End
 *  move to another and show it. */
export function Tabs<T extends string>(props: TabsProps<T>) {
  const buttons: HTMLButtonElement[] = [];
  const onKeyDown = (e: KeyboardEvent) => {
    const from = buttons.indexOf(e.target as HTMLButtonElement);
    if (from < 0) return;
    const to = tabKeyTarget(e.key, from, props.items.length);
    const item = to === null ? undefined : props.items[to];
    if (to === null || !item) return;
    e.preventDefault();
    props.onSelect(item[0]);
    buttons[to]?.focus();
  };
  return (
    <div role="tablist" aria-label={props.label} class={props.class} onKeyDown={onKeyDown}>
      <For each={props.items}>
        {([value, label], i) => (
          <button
            ref={(el) => (buttons[i()] = el)}
            type="button"
            role="tab"
            id={tabId(props.idPrefix, value)}
            aria-selected={props.selected === value}
            aria-controls={props.panelId(value)}
            tabindex={props.selected === value ? 0 : -1}
            classList={{ selected: props.selected === value }}
            onClick={() => props.onSelect(value)}
          >
            {label}
          </button>
        )}
      </For>
    </div>
  );
}
