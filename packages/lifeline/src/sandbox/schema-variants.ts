/**
 * Schema drift on demand: how each `schema` fault rewrites the main read of each vendor. Tests, drift
 * detection and the example workspace's response schemas rely on these exact pointers, so this table is a
 * contract: change it only together with them.
 *
 * Every item of a list is rewritten (not only the first), so the pointers hold whatever `limit` is used.
 * Item prefixes: payments `GET /payments/v1/charges` → `/data/{i}`, `GET /payments/v1/charges/:id` → the
 * root; shipping `POST /shipping/v2/rates` → `/rates/{i}`; identity `GET /identity/v1/userinfo` and
 * `GET /identity/v1/users/:id` → the root.
 *
 * | vendor   | variant        | pointer in item   | change                                           |
 * |----------|----------------|-------------------|--------------------------------------------------|
 * | payments | field-removed  | `/currency`       | removed                                          |
 * | payments | field-retyped  | `/amount`         | integer → string of digits (`"2000"`)            |
 * | payments | field-null     | `/amount`         | integer → `null`                                 |
 * | payments | new-enum-value | `/status`         | → `"disputed"` (known: succeeded, pending, failed) |
 * | shipping | field-removed  | `/estimatedDays`  | removed                                          |
 * | shipping | field-retyped  | `/amount/value`   | number → string with two decimals (`"12.40"`)    |
 * | shipping | field-null     | `/service`        | string → `null`                                  |
 * | shipping | new-enum-value | `/carrier`        | → `"parcelwing"` (known: ups, fedex, dhl, usps)  |
 * | identity | field-removed  | `/email`          | removed                                          |
 * | identity | field-retyped  | `/email_verified` | boolean → string (`"true"` / `"false"`)          |
 * | identity | field-null     | `/name`           | string → `null`                                  |
 * | identity | new-enum-value | `/roles/0`        | → `"auditor"` (known: admin, member, viewer, billing) |
 *
 * So `schema: 'field-null'` on payments turns `/data/0/amount` of the charge list into null. Other routes
 * (create charge, carriers, labels, tokens) are never rewritten: they stay usable for availability checks.
 */
import type { SchemaVariant, VendorName } from './faults.js';

export interface SchemaMutation {
  /** JSON pointer inside one item. */
  pointer: string;
  description: string;
  apply(item: Record<string, unknown>): void;
}

export const SCHEMA_MUTATIONS: Readonly<Record<VendorName, Readonly<Record<SchemaVariant, SchemaMutation>>>> =
  {
    payments: {
      'field-removed': {
        pointer: '/currency',
        description: 'currency is removed',
        apply: (item) => {
          delete item.currency;
        },
      },
      'field-retyped': {
        pointer: '/amount',
        description: 'amount becomes a string of digits',
        apply: (item) => {
          item.amount = String(item.amount);
        },
      },
      'field-null': {
        pointer: '/amount',
        description: 'amount becomes null',
        apply: (item) => {
          item.amount = null;
        },
      },
      'new-enum-value': {
        pointer: '/status',
        description: 'status takes the undocumented value "disputed"',
        apply: (item) => {
          item.status = 'disputed';
        },
      },
    },
    shipping: {
      'field-removed': {
        pointer: '/estimatedDays',
        description: 'estimatedDays is removed',
        apply: (item) => {
          delete item.estimatedDays;
        },
      },
      'field-retyped': {
        pointer: '/amount/value',
        description: 'amount.value becomes a string with two decimals',
        apply: (item) => {
          const amount = item.amount as { value: number; currency: string };
          item.amount = { ...amount, value: amount.value.toFixed(2) };
        },
      },
      'field-null': {
        pointer: '/service',
        description: 'service becomes null',
        apply: (item) => {
          item.service = null;
        },
      },
      'new-enum-value': {
        pointer: '/carrier',
        description: 'carrier takes the undocumented value "parcelwing"',
        apply: (item) => {
          item.carrier = 'parcelwing';
        },
      },
    },
    identity: {
      'field-removed': {
        pointer: '/email',
        description: 'email is removed',
        apply: (item) => {
          delete item.email;
        },
      },
      'field-retyped': {
        pointer: '/email_verified',
        description: 'email_verified becomes the string "true" or "false"',
        apply: (item) => {
          item.email_verified = String(item.email_verified);
        },
      },
      'field-null': {
        pointer: '/name',
        description: 'name becomes null',
        apply: (item) => {
          item.name = null;
        },
      },
      'new-enum-value': {
        pointer: '/roles/0',
        description: 'the first role becomes the undocumented value "auditor"',
        apply: (item) => {
          item.roles = ['auditor', ...(item.roles as string[]).slice(1)];
        },
      },
    },
  };

/**
 * Returns a rewritten deep copy of `item` when a variant is active, the item itself otherwise. The copy
 * matters: items come straight from the vendor's in-memory store.
 */
export function applySchemaVariant(
  vendor: VendorName,
  variant: SchemaVariant | undefined,
  item: object,
): object {
  if (variant === undefined) return item;
  const copy = structuredClone(item) as Record<string, unknown>;
  SCHEMA_MUTATIONS[vendor][variant].apply(copy);
  return copy;
}
