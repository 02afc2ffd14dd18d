// Reading JSON whose shape is not promised (OpenCode's answers and events):
// a value is taken only when it has the expected type.

/** A JSON object. */
export type Json = Record<string, unknown>;

/** `v` if it is a JSON object (not an array, not null). */
export const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** `v` if it is a string. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
