/**
 * Schema of a signal: a condition over check results (latency, error rate, burn rate, failures, failure class,
 * TLS days left) or inbound alerts, used by playbook triggers, success and rollback criteria and `wait` steps.
 */
import { Type, type StaticDecode, type TProperties } from '@sinclair/typebox';
import {
  Duration,
  FailureClassSchema,
  Literals,
  Percentage,
  PercentileSchema,
  Ref,
} from './primitives.js';

const subject = {
  integration: Type.Optional(Ref('integration', 'Id of the integration measured (default: the playbook’s).')),
  check: Type.Optional(Ref('check', 'Id of one check of that integration (default: all its checks).')),
};

const signal = <K extends string, P extends TProperties>(name: K, props: P, description: string) =>
  Type.Object(
    { signal: Type.Literal(name), ...subject, ...props },
    { additionalProperties: false, description },
  );

const clear = <P extends TProperties>(props: P) =>
  Type.Optional(
    Type.Object(props, {
      additionalProperties: false,
      description: 'Hysteresis: the signal clears only on its own threshold held for its own duration.',
    }),
  );

export const SignalSchema = Type.Union(
  [
    signal(
      'latency',
      {
        percentile: PercentileSchema,
        above: Type.Optional(Duration('Holds when the percentile is above this.')),
        below: Type.Optional(Duration('Holds when the percentile is below this.')),
        window: Type.Optional(Duration('Window the percentile is computed over (default 5m).')),
        for: Type.Optional(Duration('How long it must hold (default 0s).')),
        clear: clear({
          below: Type.Optional(Duration()),
          above: Type.Optional(Duration()),
          for: Type.Optional(Duration()),
        }),
      },
      'A latency percentile above or below a threshold for a duration.',
    ),
    signal(
      'error-rate',
      {
        above: Type.Optional(Percentage('Holds when the error rate is above this.')),
        below: Type.Optional(Percentage('Holds when the error rate is below this.')),
        window: Type.Optional(Duration('Window (default 5m).')),
        for: Type.Optional(Duration()),
        clear: clear({
          below: Type.Optional(Percentage()),
          above: Type.Optional(Percentage()),
          for: Type.Optional(Duration()),
        }),
      },
      'Error rate over a window.',
    ),
    signal(
      'burn-rate',
      {
        fast: Type.Optional(
          Type.Object(
            { window: Duration(), factor: Type.Number({ exclusiveMinimum: 0 }) },
            { additionalProperties: false, description: 'Fast burn (default 1h × 14.4).' },
          ),
        ),
        slow: Type.Optional(
          Type.Object(
            { window: Duration(), factor: Type.Number({ exclusiveMinimum: 0 }) },
            { additionalProperties: false, description: 'Slow burn (default 6h × 6).' },
          ),
        ),
      },
      'Error-budget burn rate of the integration SLO (multi-window).',
    ),
    signal(
      'failures',
      {
        count: Type.Integer({ minimum: 1, description: 'Number of failed results.' }),
        within: Duration('Time span they occur in.'),
        classes: Type.Optional(Type.Array(FailureClassSchema, { description: 'Only these classes count.' })),
      },
      'N failures in M minutes.',
    ),
    signal(
      'failure-class',
      {
        class: Type.Union([FailureClassSchema, Type.Array(FailureClassSchema, { minItems: 1 })]),
        for: Type.Optional(Duration()),
      },
      'The latest result has one of these failure classes.',
    ),
    signal(
      'tls-days-left',
      { below: Type.Integer({ minimum: 0, description: 'Holds when fewer days are left.' }) },
      'The certificate expires in fewer than N days.',
    ),
    signal(
      'alert',
      {
        alert: Type.String({
          minLength: 1,
          description: 'Alert name: Alertmanager’s `alertname` label, or the generic alert’s `name`.',
        }),
        labels: Type.Optional(
          Type.Record(Type.String(), Type.String(), {
            description:
              'Labels the alert must have: a value, or `/regex/` matched against the whole value (`""` matches a missing label).',
          }),
        ),
        severity: Type.Optional(
          Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
            description: 'Value(s) the alert’s `severity` label must have.',
          }),
        ),
        for: Type.Optional(Duration('How long a matching alert must have fired (default 0s).')),
      },
      'An inbound alert (Alertmanager or the generic JSON alert) is firing; in success criteria: none is.',
    ),
  ],
  { $id: 'Signal', discriminator: { propertyName: 'signal' }, description: 'A condition that holds or not.' },
);

/**
 * Where a signal is used: a reference, so the schema and its compiled validators stay small. Typed as the decoded
 * signal because TypeBox's StaticDecode does not look through references.
 */
export const SignalRef = Type.Unsafe<StaticDecode<typeof SignalSchema>>(Type.Ref(SignalSchema));

export const CriteriaSchema = (description: string) =>
  Type.Object(
    {
      when: Type.Array(SignalRef, { minItems: 1 }),
      match: Type.Optional(
        Literals(['any', 'all'] as const, 'Whether any or all signals must hold (default any).'),
      ),
      for: Type.Optional(Duration('How long the criteria must hold.')),
    },
    { additionalProperties: false, description },
  );
