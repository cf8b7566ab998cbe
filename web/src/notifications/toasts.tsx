import { createSignal, For, onCleanup, onMount, type JSX } from 'solid-js';
import { navigate } from '../platform/router.js';
import { useNotifications, type Toast } from './notification-center.js';
import './notifications.css';

const showForMs = 8_000;

/**
 * New notifications, briefly, in the corner. Announced politely (never interrupting), each dismissable
 * with its button or Escape, and each waits while the pointer or focus is on it (WCAG 2.2.1).
 */
export function Toasts(): JSX.Element {
  const center = useNotifications();
  return (
    <div class="toasts" aria-live="polite" aria-relevant="additions" role="region" aria-label="New notifications">
      <For each={center.toasts()}>{(toast) => <ToastCard toast={toast} onDismiss={() => center.dismissToast(toast.key)} />}</For>
    </div>
  );
}

function ToastCard(props: { toast: Toast; onDismiss(): void }): JSX.Element {
  const [held, setHeld] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!held()) props.onDismiss();
    }, showForMs);
  };
  onMount(arm);
  onCleanup(() => clearTimeout(timer));
  const hold = () => setHeld(true);
  const release = () => {
    setHeld(false);
    arm();
  };
  const n = () => props.toast.notification;

  return (
    <div
      class={`toast toast--${n().kind === 'HANDOVER_POSTED' || n().kind === 'HANDOVER_ESCALATED' ? 'handover' : 'general'}`}
      onMouseEnter={hold}
      onMouseLeave={release}
      onFocusIn={hold}
      onFocusOut={release}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onDismiss();
        }
      }}
    >
      <p class="toast__title">{n().title}</p>
      <p class="toast__body">{n().body}</p>
      <div class="toast__actions">
        <a
          class="toast__open"
          href={n().link}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            props.onDismiss();
            navigate(n().link);
          }}
        >
          Open
        </a>
        <button type="button" class="toast__dismiss" onClick={() => props.onDismiss()}>
          Dismiss<span class="visually-hidden"> notification: {n().title}</span>
        </button>
      </div>
    </div>
  );
}
