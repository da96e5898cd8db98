import { api, SignedOut, session } from './api.ts';
import { h, link, render } from './dom.ts';
import { alertGroupsView, alertGroupView } from './views/alert-groups.ts';
import { alertsView, alertView, monitorsView } from './views/alerts.ts';
import { dashboardsView, dashboardView } from './views/dashboards.ts';
import { hostView } from './views/host.ts';
import { queryView } from './views/query.ts';
import { roleView, serviceView } from './views/service.ts';
import { hostsView, servicesView } from './views/services.ts';
import { signInView } from './views/sign-in.ts';

/** Open pages redraw every minute, so graphs fill in as agents post. */
const REFRESH_MS = 60_000;

const main = document.getElementById('main') as HTMLElement;
const top = document.getElementById('top') as HTMLElement;
let timer: ReturnType<typeof setInterval> | undefined;
let generation = 0;

type View = (rerender: () => void) => Promise<Node>;

/** `#/path/segments` to the page that draws it. */
function route(hash: string): View {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === 'services' && second && third === 'roles' && fourth)
    return (r) => roleView(second, fourth, r);
  if (first === 'services' && second) return (r) => serviceView(second, r);
  if (first === 'hosts' && second) return (r) => hostView(second, r);
  if (first === 'hosts') return () => hostsView();
  if (first === 'alerts' && second) return (r) => alertView(second, r);
  if (first === 'alerts') return () => alertsView();
  if (first === 'alert-groups' && second) return () => alertGroupView(second);
  if (first === 'alert-groups') return () => alertGroupsView();
  if (first === 'monitors') return (r) => monitorsView(r);
  if (first?.startsWith('query')) return (r) => queryView(r);
  if (first === 'dashboards' && second) return (r) => dashboardView(second, r);
  if (first === 'dashboards') return () => dashboardsView();
  return () => servicesView();
}

async function header(): Promise<void> {
  const { name } = await api<{ name: string }>('/org');
  render(
    top,
    h('strong', {}, 'saba'),
    h(
      'nav',
      {},
      link('#/services', 'Services'),
      link('#/hosts', 'Hosts'),
      link('#/alerts', 'Alerts'),
      link('#/alert-groups', 'Alert groups'),
      link('#/monitors', 'Monitors'),
      link('#/dashboards', 'Dashboards'),
      link('#/query', 'Query'),
    ),
    h('span', { class: 'org' }, name),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          session.signOut();
          show();
        },
      },
      'Sign out',
    ),
  );
}

/** Draws the page of the current hash; a newer navigation wins over a slower older one. */
async function show(message?: string): Promise<void> {
  const mine = ++generation;
  clearInterval(timer);
  if (!session.key()) {
    render(top);
    render(main, signInView(message));
    return;
  }
  const view = route(location.hash);
  const draw = async () => {
    try {
      const node = await view(() => void draw());
      if (mine === generation) render(main, node);
    } catch (err) {
      if (err instanceof SignedOut) return show(err.message);
      if (mine === generation)
        render(main, h('p', { class: 'error', role: 'alert' }, (err as Error).message));
    }
  };
  try {
    await header();
  } catch (err) {
    if (err instanceof SignedOut) return show(err.message);
  }
  await draw();
  timer = setInterval(() => void draw(), REFRESH_MS);
}

window.addEventListener('hashchange', () => void show());
void show();
