/**
 * Last line of defence for "a result message never contains a secret": every secret value resolved (and every
 * token minted) for an attempt is scrubbed from the message before it leaves the check, in the forms it can
 * appear in (as is, URL-encoded, form-encoded). Messages are built not to contain secrets in the first place;
 * this catches what a vendor or a library echoes back.
 */

/** Shorter values are not scrubbed: replacing every `a` or `12` would garble the message and hide nothing. */
const MIN_SECRET_LENGTH = 3;

export const REDACTED = '<redacted>';

/** Replaces every occurrence of each secret (and its encodings) in `text`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(formEncode(secret));
  }
  if (forms.size === 0) return text;
  // Longest first, so that a secret containing another is replaced whole.
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length >= MIN_SECRET_LENGTH && result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** `application/x-www-form-urlencoded` encoding, as URLSearchParams writes it. */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
