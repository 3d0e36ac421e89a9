/** Entry point of the dashboard bundle: styles, then the app into #app. */
import './styles.css';
import { render } from 'preact';
import { prefetchJson, session } from './api';
import { App } from './app';
import { prefetchOverview } from './views/overview';

// The first answers are asked for now, while the shell renders, not once each view's effects have run. The
// overview's only when signed in: without a token they could only fail, and failed authentications are limited.
prefetchJson('/me');
if (location.pathname === '/' && session.token() !== undefined) prefetchOverview();

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
