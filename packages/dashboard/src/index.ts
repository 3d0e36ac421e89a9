/**
 * @lifeline/dashboard: the web UI the daemon serves. Exposes where the built static files live, so the daemon can
 * serve them without knowing how they are built.
 */
import { fileURLToPath } from 'node:url';

/** Directory of the dashboard's static files. */
export const DASHBOARD_STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));
