import { splitProps, type JSX } from 'solid-js';

type ButtonProps = JSX.ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'quiet';
  /** Shows that the action is under way; the button is disabled meanwhile. */
  busy?: boolean;
};

export function Button(props: ButtonProps): JSX.Element {
  const [local, rest] = splitProps(props, ['variant', 'busy', 'class', 'type', 'disabled', 'children']);
  return (
    <button
      type={local.type ?? 'button'}
      class={`button button--${local.variant ?? 'primary'} ${local.class ?? ''}`}
      disabled={local.disabled || local.busy}
      aria-busy={local.busy ? 'true' : undefined}
      {...rest}
    >
      {local.children}
    </button>
  );
}
