/**
 * @lifeline/dashboard: the web UI the daemon serves. Exposes where the built static files live, so the daemon can
 * serve them without knowing how they are built (`vite build` writes them to `web-dist/`; `npm run build` runs it).
 */
import { fileURLToPath } from 'node:url';

/** Directory of the dashboard's built static files (`index.html` and `assets/`). */
export const DASHBOARD_STATIC_DIR = fileURLToPath(new URL('../web-dist/', import.meta.url));
