/**
 * GitHub `deployment_status` payloads as changes, from GitHub's documented example payload: a success becomes a
 * deploy, other states and other events are ignored, a payload missing what a change needs is invalid.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapDeploymentStatus } from './github-deployment-status.js';

export function githubFixture(): Record<string, Record<string, unknown>> {
  return JSON.parse(
    readFileSync(new URL('./fixtures/github-deployment-status.json', import.meta.url), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
}

function withStatus(fields: Record<string, unknown>): Record<string, unknown> {
  const payload = githubFixture();
  return { ...payload, deployment_status: { ...payload.deployment_status, ...fields } };
}

describe('mapDeploymentStatus', () => {
  it('maps a successful deployment to a deploy change of the repository', () => {
    expect(mapDeploymentStatus('deployment_status', githubFixture())).toEqual({
      kind: 'change',
      change: {
        id: 'github:Codertocat/Hello-World:209916254',
        kind: 'deploy',
        ref: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
        at: Date.parse('2019-05-15T15:20:55Z'),
        source: 'github',
        service: 'Hello-World',
        by: 'Codertocat',
        environment: 'production',
        summary: 'Codertocat/Hello-World master deployed to production',
        url: 'https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      },
    });
  });

  it('takes integration, service and team from the webhook URL, and the environment URL as the link', () => {
    const mapped = mapDeploymentStatus(
      'deployment_status',
      withStatus({ environment_url: 'https://hello.example' }),
      { integration: 'payments', service: 'checkout', team: 'payments-team' },
    );
    expect(mapped).toMatchObject({
      kind: 'change',
      change: {
        integration: 'payments',
        service: 'checkout',
        team: 'payments-team',
        url: 'https://hello.example',
      },
    });
  });

  it.each(['pending', 'in_progress', 'queued', 'failure', 'error', 'inactive'])(
    'ignores a %s status',
    (state) => {
      expect(mapDeploymentStatus('deployment_status', withStatus({ state }))).toEqual({
        kind: 'ignored',
        reason: `deployment status ${state} is not success`,
      });
    },
  );

  it('ignores other events (GitHub sends a ping when the hook is created)', () => {
    expect(mapDeploymentStatus('ping', { zen: 'Design for failure.' })).toMatchObject({ kind: 'ignored' });
    expect(mapDeploymentStatus(undefined, githubFixture())).toMatchObject({ kind: 'ignored' });
  });

  it.each([
    ['a body that is not an object', [], ''],
    ['no deployment_status', { ...githubFixture(), deployment_status: undefined }, 'deployment_status'],
    ['no state', withStatus({ state: undefined }), 'deployment_status.state'],
    ['a bad created_at', withStatus({ created_at: 'yesterday' }), 'deployment_status.created_at'],
    ['no repository', { ...githubFixture(), repository: null }, 'repository'],
    [
      'no sha or ref',
      { ...githubFixture(), deployment: { ...githubFixture().deployment, sha: undefined, ref: undefined } },
      'deployment.sha',
    ],
  ])('is invalid with %s, naming the field', (_, payload, field) => {
    expect(mapDeploymentStatus('deployment_status', payload)).toMatchObject({
      kind: 'invalid',
      problem: { field },
    });
  });
});
