/**
 * Schema of the root file's `alerts:` key: how the daemon takes inbound alerts (`POST /api/v1/alerts` and
 * `/api/v1/alerts/alertmanager`). Without it the endpoints accept alerts from anyone who can reach the API.
 */
import { Type } from '@sinclair/typebox';
import { Secret } from './primitives.js';

export const AlertsSchema = Type.Object(
  {
    token: Type.Optional(
      Secret(
        'Bearer token the alert endpoints require (`Authorization: Bearer <token>`), e.g. `${env:LIFELINE_ALERT_TOKEN}`.',
      ),
    ),
  },
  { additionalProperties: false, description: 'Inbound alerts from existing monitoring.' },
);
