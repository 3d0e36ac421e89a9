/**
 * Schema of the root file's `changes:` key: how far back an incident looks for changes, and the secrets of the
 * signed inbound webhooks that record them (Lifeline's own scheme and GitHub's). Without a secret, that
 * webhook is off.
 */
import { Type } from '@sinclair/typebox';
import { Duration, Secret } from './primitives.js';

export const ChangesSchema = Type.Object(
  {
    lookBack: Type.Optional(
      Duration(
        'How long before an incident triggered a change still counts as linked (default 24h; overrides `defaults.changeLookback`).',
      ),
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          secret: Secret(
            'Shared secret of `POST /api/v1/changes/webhook` (HMAC-SHA256 of `<timestamp>.<body>`, as the webhook channel signs).',
          ),
          replayWindow: Type.Optional(
            Duration('How far a request timestamp may be from the daemon clock (default 5m).'),
          ),
        },
        { additionalProperties: false, description: 'The signed generic webhook that records changes.' },
      ),
    ),
    github: Type.Optional(
      Type.Object(
        {
          secret: Secret('The webhook secret configured in GitHub (`X-Hub-Signature-256`).'),
        },
        {
          additionalProperties: false,
          description: 'GitHub `deployment_status` webhooks at `POST /api/v1/changes/github`.',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Change records: the look-back window and the signed webhooks that record changes.',
  },
);
