import { Show, type JSX } from 'solid-js';

interface LayoutProps {
  /** Who is signed in, as the top bar shows them. */
  userName: string;
  userDetail: string;
  /** The brand link home; a real `<a>` from the caller's router. */
  home: JSX.Element;
  onSignOut(): void;
  onSignOutEverywhere(): void;
  signingOut?: boolean;
  /** A message for the whole page, e.g. a failed sign-out. */
  notice?: JSX.Element;
  /** Links beside the brand, e.g. to the handover inbox. */
  nav?: JSX.Element;
  /** The notification bell, beside who is signed in. */
  bell?: JSX.Element;
  /** Things outside the page's flow, e.g. toasts. */
  overlay?: JSX.Element;
  children: JSX.Element;
}

/** The signed-in frame: skip link, top bar with who is signed in and the sign-out actions, then the page. */
export function Layout(props: LayoutProps): JSX.Element {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="top-bar">
        <div class="top-bar__inner">
          <div class="top-bar__brand">
            {props.home}
            <Show when={props.nav}>
              <nav class="top-bar__nav" aria-label="Main">
                {props.nav}
              </nav>
            </Show>
          </div>
          <div class="top-bar__user">
            {props.bell}
            <span class="top-bar__who">
              <span class="top-bar__name">{props.userName}</span>
              <span class="top-bar__role">{props.userDetail}</span>
            </span>
            <button type="button" class="button button--on-dark" onClick={() => props.onSignOut()} disabled={props.signingOut}>
              Sign out
            </button>
            <button type="button" class="button button--on-dark-quiet" onClick={() => props.onSignOutEverywhere()} disabled={props.signingOut}>
              Sign out everywhere
            </button>
          </div>
        </div>
      </header>
      <Show when={props.notice}>
        <div class="page-notice">{props.notice}</div>
      </Show>
      <main id="main" class="page" tabindex="-1">
        {props.children}
      </main>
      {props.overlay}
    </>
  );
}
