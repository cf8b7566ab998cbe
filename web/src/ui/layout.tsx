import { createSignal, createUniqueId, onCleanup, Show, type JSX } from 'solid-js';

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

/**
 * The signed-in frame: skip link, one compact top bar, then the page. The bar names who is signed in on an
 * account button (just an icon on a phone) that opens their role, "Sign out" and "Sign out everywhere", so
 * the bar stays one line high on a laptop; on a phone the links wrap onto lines of their own below it.
 * "Sign out everywhere" is the quieter action and asks to be confirmed: it ends every session of this person.
 */
export function Layout(props: LayoutProps): JSX.Element {
  const [accountOpen, setAccountOpen] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const panelId = createUniqueId();
  let account: HTMLDivElement | undefined;
  let accountButton: HTMLButtonElement | undefined;
  let everywhereButton: HTMLButtonElement | undefined;
  let confirmButton: HTMLButtonElement | undefined;

  const closeAccount = () => {
    setAccountOpen(false);
    setConfirming(false);
  };
  const onDocumentClick = (event: MouseEvent) => {
    // The path as dispatched: a click that swaps the clicked button for the confirmation is still inside.
    if (account && !event.composedPath().includes(account)) closeAccount();
  };
  document.addEventListener('click', onDocumentClick);
  onCleanup(() => document.removeEventListener('click', onDocumentClick));

  const askToConfirm = () => {
    setConfirming(true);
    queueMicrotask(() => confirmButton?.focus());
  };
  const cancelConfirm = () => {
    setConfirming(false);
    queueMicrotask(() => everywhereButton?.focus());
  };

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
            <div
              class="account"
              ref={account}
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                if (confirming()) cancelConfirm();
                else if (accountOpen()) {
                  closeAccount();
                  accountButton?.focus();
                } else return;
                e.stopPropagation();
              }}
            >
              <button
                ref={accountButton}
                type="button"
                class="account__button"
                aria-expanded={accountOpen()}
                aria-controls={panelId}
                onClick={() => (accountOpen() ? closeAccount() : setAccountOpen(true))}
              >
                <PersonIcon />
                <span class="visually-hidden">Account: </span>
                <span class="account__name">{props.userName}</span>
              </button>
              <div id={panelId} class="account__panel" data-open={accountOpen() ? '' : undefined}>
                <span class="top-bar__who">
                  <span class="top-bar__name">{props.userName}</span>
                  <span class="top-bar__role">{props.userDetail}</span>
                </span>
                <button type="button" class="button button--on-dark account__sign-out" onClick={() => props.onSignOut()} disabled={props.signingOut}>
                  Sign out
                </button>
                <button
                  ref={everywhereButton}
                  type="button"
                  class="account__everywhere"
                  aria-expanded={confirming()}
                  aria-controls={`${panelId}-confirm`}
                  onClick={() => (confirming() ? cancelConfirm() : askToConfirm())}
                  disabled={props.signingOut}
                >
                  Sign out everywhere…
                </button>
                <Show when={confirming()}>
                  <div id={`${panelId}-confirm`} class="account__confirm" role="group" aria-labelledby={`${panelId}-confirm-text`}>
                    <p id={`${panelId}-confirm-text`} class="account__confirm-text">
                      End every session of yours, on every device?
                    </p>
                    <button ref={confirmButton} type="button" class="button button--on-dark" onClick={() => props.onSignOutEverywhere()} disabled={props.signingOut}>
                      Sign out on every device
                    </button>
                    <button type="button" class="account__everywhere" onClick={cancelConfirm}>
                      Cancel
                    </button>
                  </div>
                </Show>
              </div>
            </div>
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

function PersonIcon(): JSX.Element {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path fill="currentColor" d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Zm0 2c-4.4 0-8 2.5-8 5.5V21h16v-1.5c0-3-3.6-5.5-8-5.5Z" />
    </svg>
  );
}
