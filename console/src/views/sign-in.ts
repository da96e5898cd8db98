import { api, SignedOut, session } from '../api.ts';
import { h } from '../dom.ts';

/** The key is checked against `/org` before the console opens; a refused key shows why. */
export function signInView(message?: string): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const input = h('input', {
    type: 'password',
    name: 'apikey',
    autocomplete: 'off',
    placeholder: 'API key',
    'aria-label': 'API key',
  });
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        session.signIn(input.value.trim());
        try {
          await api('/org');
          location.hash = '#/services';
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        } catch (err) {
          session.signOut();
          error.textContent = err instanceof SignedOut || err instanceof Error ? err.message : String(err);
        }
      },
    },
    h('h1', {}, 'saba'),
    h(
      'p',
      { class: 'muted' },
      'Sign in with an API key of your organization (a read-only key is enough). It is kept in this tab only.',
    ),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  return form;
}
