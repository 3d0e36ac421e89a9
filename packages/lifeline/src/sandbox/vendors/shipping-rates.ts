/**
 * The shipping vendor's pricing and its request validation: which carriers serve a lane, what a parcel
 * costs (billable weight = max(actual, volumetric)) and how long it takes. Deterministic, so the same quote
 * request always yields the same prices, just as a real rate table would within a day.
 */

export type CarrierCode = 'ups' | 'fedex' | 'dhl' | 'usps';

export interface Carrier {
  code: CarrierCode | 'royalmail';
  name: string;
  active: boolean;
}

/** `royalmail` is listed but inactive, the way vendors keep retired integrations visible. */
export const CARRIERS: readonly Carrier[] = [
  { code: 'ups', name: 'UPS', active: true },
  { code: 'fedex', name: 'FedEx', active: true },
  { code: 'dhl', name: 'DHL Express', active: true },
  { code: 'usps', name: 'USPS', active: true },
  { code: 'royalmail', name: 'Royal Mail', active: false },
];

export interface Address {
  postalCode: string;
  country: string;
}

export interface Parcel {
  weightGrams: number;
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
}

export interface RateRequest {
  from: Address;
  to: Address;
  parcel: Parcel;
}

/** Stable shape: response schemas in the example workspace are written against it. */
export interface Rate {
  id: string;
  carrier: CarrierCode;
  service: string;
  amount: { value: number; currency: string };
  estimatedDays: number;
}

export interface FieldProblem {
  field: string;
  message: string;
}

interface Service {
  carrier: CarrierCode;
  service: string;
  lanes: 'domestic' | 'international' | 'both';
  /** Only for shipments within this country. */
  country?: string;
  base: number;
  perKg: number;
  days: { domestic: number; international: number };
}

const SERVICES: readonly Service[] = [
  {
    carrier: 'usps',
    service: 'priority_mail',
    lanes: 'domestic',
    country: 'US',
    base: 7.6,
    perKg: 1.15,
    days: { domestic: 3, international: 0 },
  },
  {
    carrier: 'ups',
    service: 'ground',
    lanes: 'domestic',
    base: 9.25,
    perKg: 0.95,
    days: { domestic: 5, international: 0 },
  },
  {
    carrier: 'ups',
    service: 'express_saver',
    lanes: 'both',
    base: 18.4,
    perKg: 2.2,
    days: { domestic: 2, international: 4 },
  },
  {
    carrier: 'fedex',
    service: 'priority_overnight',
    lanes: 'both',
    base: 29.9,
    perKg: 3.1,
    days: { domestic: 1, international: 3 },
  },
  {
    carrier: 'dhl',
    service: 'express_worldwide',
    lanes: 'international',
    base: 34.5,
    perKg: 6.4,
    days: { domestic: 0, international: 3 },
  },
];

const EURO_COUNTRIES = new Set([
  'AT',
  'BE',
  'DE',
  'ES',
  'FI',
  'FR',
  'GR',
  'IE',
  'IT',
  'LU',
  'NL',
  'PT',
  'SK',
  'SI',
]);
const INTERNATIONAL_FACTOR = 2.4;
const MAX_WEIGHT_GRAMS = 70_000;

/** Prices without ids; the caller assigns ids and remembers the rates for label purchase. */
export function quote(request: RateRequest): Omit<Rate, 'id'>[] {
  const domestic = request.from.country === request.to.country;
  const kg = billableGrams(request.parcel) / 1000;
  const currency = currencyFor(request.from.country);
  return SERVICES.filter((service) => {
    if (service.lanes !== 'both' && service.lanes !== (domestic ? 'domestic' : 'international')) return false;
    return service.country === undefined || (domestic && service.country === request.from.country);
  }).map((service) => ({
    carrier: service.carrier,
    service: service.service,
    amount: {
      value: roundCents((service.base + service.perKg * kg) * (domestic ? 1 : INTERNATIONAL_FACTOR)),
      currency,
    },
    estimatedDays: domestic ? service.days.domestic : service.days.international,
  }));
}

/** Collects every problem with a quote request; an empty list means `body` is a `RateRequest`. */
export function validateRateRequest(body: unknown): FieldProblem[] {
  if (!isRecord(body)) return [{ field: '', message: 'The request body must be a JSON object.' }];
  const problems: FieldProblem[] = [];
  for (const side of ['from', 'to'] as const) {
    const address = body[side];
    if (!isRecord(address)) {
      problems.push({
        field: side,
        message: 'is required and must be an object with postalCode and country',
      });
      continue;
    }
    const { postalCode, country } = address;
    if (typeof postalCode !== 'string' || !/^[A-Za-z0-9 -]{2,16}$/.test(postalCode)) {
      problems.push({
        field: `${side}.postalCode`,
        message: 'must be 2 to 16 letters, digits, spaces or dashes',
      });
    }
    if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
      problems.push({ field: `${side}.country`, message: 'must be an ISO 3166-1 alpha-2 code such as US' });
    }
  }
  const parcel = body.parcel;
  if (!isRecord(parcel)) {
    problems.push({ field: 'parcel', message: 'is required and must be an object with weightGrams' });
    return problems;
  }
  const weight = parcel.weightGrams;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT_GRAMS) {
    problems.push({
      field: 'parcel.weightGrams',
      message: `must be an integer from 1 to ${MAX_WEIGHT_GRAMS}`,
    });
  }
  for (const dimension of ['lengthCm', 'widthCm', 'heightCm'] as const) {
    const value = parcel[dimension];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0) || value > 300)) {
      problems.push({ field: `parcel.${dimension}`, message: 'must be a number above 0 and at most 300' });
    }
  }
  return problems;
}

/** Carriers charge for the larger of actual and volumetric weight (length × width × height / 5000 kg). */
function billableGrams(parcel: Parcel): number {
  const { lengthCm, widthCm, heightCm } = parcel;
  if (lengthCm === undefined || widthCm === undefined || heightCm === undefined) return parcel.weightGrams;
  return Math.max(parcel.weightGrams, (lengthCm * widthCm * heightCm) / 5);
}

function currencyFor(country: string): string {
  if (country === 'GB') return 'GBP';
  if (EURO_COUNTRIES.has(country)) return 'EUR';
  return 'USD';
}

function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
