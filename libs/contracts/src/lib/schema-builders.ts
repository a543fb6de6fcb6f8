import {
  Type,
  type SchemaOptions,
  type Static,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnsafe,
} from '@sinclair/typebox';

/**
 * Builders for the wire schemas. They emit plain JSON Schema 2020-12 (what OpenAPI 3.1 embeds) in the forms that
 * every consumer reads cheaply: enums as `{type: 'string', enum}` and nullable primitives as `type: [T, 'null']`
 * rather than `anyOf` (fast-json-stringify must run a validator to pick an `anyOf` branch; openapi-typescript
 * prints both as plain unions). Validate against these schemas with ajv, not TypeBox's `Value` (it does not
 * know `Unsafe` schemas).
 */

/** A string enum from a tuple of literals: `StringEnum(['a', 'b'])` is `'a' | 'b'`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({
    ...options,
    type: 'string',
    enum: [...values],
  });
}

/**
 * `T | null`. A primitive or enum stays one schema (`type: ['string', 'null']`, `null` added to `enum`); anything
 * else becomes `anyOf: [T, {type: 'null'}]`.
 */
export function Nullable<T extends TSchema>(
  schema: T,
  options: SchemaOptions = {},
): TUnsafe<Static<T> | null> {
  const plain = plainJson(schema);
  if (
    typeof plain['type'] === 'string' &&
    plain['type'] !== 'object' &&
    plain['type'] !== 'array'
  ) {
    const { enum: enumValues, ...rest } = plain;
    delete rest['title'];
    return Type.Unsafe<Static<T> | null>({
      ...rest,
      ...options,
      type: [plain['type'], 'null'],
      ...(Array.isArray(enumValues) ? { enum: [...enumValues, null] } : {}),
    });
  }
  return Type.Unsafe<Static<T> | null>({
    ...options,
    anyOf: [plain, { type: 'null' }],
  });
}

/** An instant as ISO 8601 in UTC, e.g. `2026-12-01T09:00:00.000Z`. */
export function DateTime(options: SchemaOptions = {}) {
  return Type.String({ format: 'date-time', ...options });
}

/** A row id. */
export function Uuid(options: SchemaOptions = {}) {
  return Type.String({ format: 'uuid', ...options });
}

/** An object whose keys are free-form and whose values all match `value` (`Record<string, V>`). */
export function Dictionary<T extends TSchema>(
  value: T,
  options: SchemaOptions = {},
): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({
    ...options,
    type: 'object',
    additionalProperties: value,
  });
}

/**
 * A named wire shape: an object that admits no undeclared field, titled with the name it has in the OpenAPI
 * document (`#/components/schemas/<name>`); a route that uses it publishes it.
 */
export function Shape<T extends TProperties>(
  name: string,
  properties: T,
  options: SchemaOptions = {},
): TObject<T> {
  return Type.Object(properties, {
    ...options,
    title: name,
    additionalProperties: false,
  });
}

/** The schema as JSON alone: TypeBox's symbol markers (Kind, Optional) must not leak into a wrapper. */
function plainJson(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** Gives a non-object schema (a union, an enum) its component name. */
export function Named<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, title: name };
}
