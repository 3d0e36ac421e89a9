/**
 * A workspace whose one playbook is driven by an inbound alert, for the alert tests: `checkout-errors` fires on
 * `alert` with `env` prod or staging and severity `page`, and succeeds once that alert (any severity) is gone.
 */
export interface CheckoutAlertWorkspace {
  name: string;
  /** The alert name the trigger and success criteria match. */
  alert: string;
  /** The incident's problem template. */
  problem: string;
  /** `alerts.token` of the workspace (a secret reference); without it the alert routes take no token. */
  token?: string;
}

export function checkoutAlertWorkspace(options: CheckoutAlertWorkspace): string {
  const match = `alert: ${options.alert}, labels: { env: '/prod|staging/' }`;
  return `version: 1
name: ${options.name}
${options.token !== undefined ? `alerts:\n  token: ${options.token}\n` : ''}teams:
  - id: ops
    name: Ops
    members: [{ id: alice, name: Alice }]
integrations:
  - id: checkout
    name: Checkout
    owner: ops
    baseUrl: http://127.0.0.1:9
    auth: { type: none }
    endpoints:
      - { id: health, method: GET, path: /health }
playbooks:
  - id: checkout-errors
    name: Checkout errors
    integration: checkout
    severity: SEV2
    problem: '${options.problem}'
    trigger:
      when:
        - { signal: alert, ${match}, severity: page }
    steps:
      - { id: look, action: manual, instructions: Look at the checkout dashboards }
    success:
      when:
        - { signal: alert, ${match} }
`;
}
