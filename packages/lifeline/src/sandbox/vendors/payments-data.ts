/**
 * The payments vendor's resources: the charge shape, the charges every sandbox starts with, and the
 * validation of a create-charge body in the vendor's style (first problem wins, named by `param`).
 */

export type Currency = 'usd' | 'eur' | 'gbp';
export type ChargeStatus = 'succeeded' | 'pending' | 'failed';

export const CURRENCIES: readonly Currency[] = ['usd', 'eur', 'gbp'];

/** Stable shape: response schemas in the example workspace are written against it. */
export interface Charge {
  id: string;
  object: 'charge';
  /** Smallest currency unit (cents). */
  amount: number;
  currency: Currency;
  status: ChargeStatus;
  /** Epoch seconds. */
  created: number;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
}

export interface ChargeInput {
  amount: number;
  currency: Currency;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
}

export type ChargeInputResult =
  { ok: true; value: ChargeInput } | { ok: false; param: string; message: string };

/** Fixed ids and dates so fixtures and snapshots stay stable across runs. */
export function seedCharges(): Charge[] {
  const charge = (
    id: string,
    amount: number,
    currency: Currency,
    status: ChargeStatus,
    created: number,
    customer: string | null,
    description: string | null,
    metadata: Record<string, string> = {},
  ): Charge => ({ id, object: 'charge', amount, currency, status, created, customer, description, metadata });
  return [
    charge(
      'ch_3PfL1feA0sEedC4rge01',
      2000,
      'usd',
      'succeeded',
      1_718_900_000,
      'cus_QAcme0001',
      'Starter plan',
      {
        order_id: 'ord_1001',
      },
    ),
    charge('ch_3PfL1feA0sEedC4rge02', 4999, 'eur', 'succeeded', 1_718_986_400, 'cus_QAcme0002', 'Team plan'),
    charge('ch_3PfL1feA0sEedC4rge03', 1250, 'gbp', 'pending', 1_719_072_800, null, 'Top-up'),
    charge('ch_3PfL1feA0sEedC4rge04', 15000, 'usd', 'failed', 1_719_159_200, 'cus_QAcme0003', null, {
      decline_code: 'insufficient_funds',
    }),
    charge(
      'ch_3PfL1feA0sEedC4rge05',
      899,
      'usd',
      'succeeded',
      1_719_245_600,
      'cus_QAcme0001',
      'Add-on seats',
    ),
    charge('ch_3PfL1feA0sEedC4rge06', 32000, 'eur', 'succeeded', 1_719_332_000, null, null),
  ];
}

const CHARGE_PARAMS = ['amount', 'currency', 'customer', 'description', 'metadata'];
const MAX_AMOUNT = 99_999_999;

export function parseChargeInput(body: unknown): ChargeInputResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, param: '', message: 'The request body must be a JSON object.' };
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((key) => !CHARGE_PARAMS.includes(key));
  if (unknown !== undefined)
    return { ok: false, param: unknown, message: `Received unknown parameter: ${unknown}` };

  const { amount, currency, customer, description, metadata } = input;
  if (amount === undefined) return { ok: false, param: 'amount', message: 'Missing required param: amount.' };
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    return { ok: false, param: 'amount', message: `Invalid integer: ${JSON.stringify(amount)}` };
  }
  if (amount < 1 || amount > MAX_AMOUNT) {
    return { ok: false, param: 'amount', message: `Amount must be between 1 and ${MAX_AMOUNT}.` };
  }
  if (currency === undefined)
    return { ok: false, param: 'currency', message: 'Missing required param: currency.' };
  if (typeof currency !== 'string' || !(CURRENCIES as readonly string[]).includes(currency)) {
    const shown = typeof currency === 'string' ? currency : JSON.stringify(currency);
    return {
      ok: false,
      param: 'currency',
      message: `Invalid currency: ${shown}. Supported: ${CURRENCIES.join(', ')}.`,
    };
  }
  if (customer != null && (typeof customer !== 'string' || !/^cus_[A-Za-z0-9]+$/.test(customer))) {
    return { ok: false, param: 'customer', message: `No such customer: ${JSON.stringify(customer)}` };
  }
  if (description != null && (typeof description !== 'string' || description.length > 1000)) {
    return {
      ok: false,
      param: 'description',
      message: 'Description must be a string of at most 1000 characters.',
    };
  }
  const parsedMetadata = parseMetadata(metadata);
  if (parsedMetadata === undefined) {
    return {
      ok: false,
      param: 'metadata',
      message: 'Metadata must be an object of at most 50 string values.',
    };
  }
  return {
    ok: true,
    value: {
      amount,
      currency: currency as Currency,
      customer: customer ?? null,
      description: description ?? null,
      metadata: parsedMetadata,
    },
  };
}

function parseMetadata(metadata: unknown): Record<string, string> | undefined {
  if (metadata == null) return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (entries.length > 50 || entries.some(([, value]) => typeof value !== 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}
