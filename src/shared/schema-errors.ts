import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * The first reason `value` fails `schema`, as a JSON Pointer and a message, e.g.
 * `{ pointer: '/holdMs', message: 'is required' }`. Missing properties are reported at their own
 * path rather than at the parent object, which is what a reader needs to fix them.
 */
export function firstSchemaError(
  schema: TSchema,
  value: unknown,
): { pointer: string; message: string } | undefined {
  const first = [...Value.Errors(schema, value)][0];
  if (!first) return undefined;
  const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
  if (missing) return { pointer: `${first.instancePath}/${missing}`, message: 'is required' };
  return { pointer: first.instancePath, message: first.message };
}
