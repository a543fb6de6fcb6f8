import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { ErrorResponseSchema } from '@flow/contracts';

import {
  ENDPOINT_EXTENSION,
  declarationOf,
  type EndpointDeclaration,
  type ErrorStatus,
} from './endpoint';

/** A JSON value of the document (schemas, examples). */
type Json = Record<string, unknown>;

/** One operation of the document and the declaration it came from (null: the route has no `@Endpoint`). */
export interface DocumentedOperation {
  method: string;
  /** OpenAPI form: `/api/v1/pipelines/{id}` */
  path: string;
  endpointId: string | null;
}

export interface OpenApiBuild {
  document: Json;
  operations: DocumentedOperation[];
}

/** Top-level tags, one per api module. A controller tag missing here is still listed, with a generic text. */
export const OPENAPI_TAGS: Record<string, string> = {
  pipelines:
    'Pipelines of the caller’s tenant: create, read, update, delete, their IR document and its SQL preview.',
  runs: 'Runs of a pipeline (manual, scheduled, replay) and per-node metrics.',
  'dead-letters':
    'Rows a run rejected (validation, target write, file parse) and their replay state.',
  lineage:
    'Which pipelines read and write which tables, with live table stats.',
  scheduler:
    'The scheduler tick (called by an external cron with the cron secret) and the status page’s data.',
  tenant: 'The caller’s own tenant.',
  health: 'Liveness and readiness probes (public).',
  metrics: 'Prometheus metrics (outside /api/v1).',
};

const SECURITY_SCHEMES = {
  tenantJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      '`Authorization: Bearer <JWT>`: HS256 with AUTH_JWT_SECRET (or RS256/ES256 from AUTH_JWKS_URL); claim `tenant_id` is the tenant’s id, `exp` is required. `npm run flow -- token --tenant <slug>` prints one.',
  },
  cronSecret: {
    type: 'http',
    scheme: 'bearer',
    description:
      '`Authorization: Bearer <CRON_SECRET>`: the external cron service’s shared secret (never a tenant JWT).',
  },
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

/**
 * The OpenAPI 3.1 document: Nest's scan gives the paths, methods, operation ids and tags; each route's
 * `@Endpoint` declaration gives everything else, with the TypeBox schemas of `@flow/contracts` (every titled
 * schema becomes `#/components/schemas/<title>`).
 */
export function buildOpenApiDocument(app: INestApplication): OpenApiBuild {
  const scanned = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Flow control plane')
      .setDescription(
        'Pipelines, scheduler tick and status, runs, dead letters, lineage. Tenant routes take `Authorization: Bearer <JWT>`; ' +
          'every error answers `ErrorResponse` (`{ statusCode, error, message, details? }`, where `details` names each offending field by its JSON path).',
      )
      .setVersion('1')
      .build(),
  ) as unknown as Json;
  return completeDocument(scanned);
}

export function completeDocument(scanned: Json): OpenApiBuild {
  const components = new SchemaComponents();
  const errorRef = components.hoist(plain(ErrorResponseSchema));
  const operations: DocumentedOperation[] = [];
  const usedTags = new Set<string>();
  const paths = (scanned['paths'] ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const marker = operation[ENDPOINT_EXTENSION] as
        | { id: string }
        | undefined;
      delete operation[ENDPOINT_EXTENSION];
      const declaration = marker ? declarationOf(marker.id) : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        endpointId: declaration && marker ? marker.id : null,
      });
      for (const tag of (operation['tags'] as string[] | undefined) ?? [])
        usedTags.add(tag);
      if (!declaration) continue;
      item[method] = describeOperation(
        method,
        operation,
        declaration,
        components,
        errorRef,
      );
    }
  }
  const info = scanned['info'] as Json;
  const document: Json = {
    openapi: '3.1.0',
    info: {
      ...info,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: '/',
        description: 'This api (paths start with /api/v1).',
      },
    ],
    tags: [...usedTags].sort().map((name) => ({
      name,
      description: OPENAPI_TAGS[name] ?? `Routes of the ${name} module.`,
    })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
  return { document, operations };
}

function describeOperation(
  method: string,
  scanned: Json,
  declaration: EndpointDeclaration,
  components: SchemaComponents,
  errorRef: Json,
): Json {
  const operation: Json = {
    operationId: scanned['operationId'],
    summary: declaration.summary,
    ...(declaration.description
      ? { description: declaration.description }
      : {}),
    tags: scanned['tags'],
  };

  const parameters: Json[] = [];
  if (declaration.params) {
    parameters.push(
      ...objectParameters(declaration.params, 'path', components),
    );
  } else {
    for (const parameter of (scanned['parameters'] as Json[] | undefined) ??
      []) {
      if (parameter['in'] === 'path')
        parameters.push({
          name: parameter['name'],
          in: 'path',
          required: true,
          schema: { type: 'string' },
        });
    }
  }
  if (declaration.query)
    parameters.push(
      ...objectParameters(declaration.query, 'query', components),
    );
  if (parameters.length > 0) operation['parameters'] = parameters;

  if (declaration.body) {
    const body = plain(declaration.body);
    operation['requestBody'] = {
      required: !declaration.bodyOptional,
      content: {
        'application/json': withExample(components.hoist(body), body),
      },
    };
  }

  const responses: Json = {};
  const status = declaration.status ?? 200;
  const success: Json = {
    description: declaration.responseDescription ?? 'OK',
  };
  if (declaration.response) {
    const schema = plain(declaration.response);
    success['content'] = {
      [declaration.contentType ?? 'application/json']: withExample(
        components.hoist(schema),
        schema,
      ),
    };
  }
  if (declaration.responseHeaders) {
    success['headers'] = Object.fromEntries(
      Object.entries(declaration.responseHeaders).map(([name, text]) => [
        name,
        { description: text, schema: { type: 'string' } },
      ]),
    );
  }
  responses[String(status)] = success;
  for (const [code, text] of Object.entries(declaration.otherResponses ?? {}))
    responses[code] = { description: text };
  for (const [code, text] of Object.entries(errorsOf(declaration, method))) {
    responses[code] = {
      description: text,
      content: {
        'application/json': {
          schema: errorRef,
          example: errorExample(Number(code), text),
        },
      },
    };
  }
  operation['responses'] = responses;
  operation['security'] =
    declaration.security === 'tenant'
      ? [{ tenantJwt: [] }]
      : declaration.security === 'cron-secret'
        ? [{ cronSecret: [] }]
        : [];
  return operation;
}

/** The declared errors plus the ones every route of its kind can answer. */
function errorsOf(
  declaration: EndpointDeclaration,
  method: string,
): Record<string, string> {
  const errors: Partial<Record<ErrorStatus, string>> = {};
  if (declaration.body || declaration.query)
    errors[400] = declaration.body
      ? 'The body is not valid JSON or breaks a rule; `details` names each offending field by its JSON path.'
      : 'A query parameter is invalid; `details` names it.';
  if (declaration.security === 'tenant') {
    errors[401] =
      'Missing, malformed, expired or wrongly signed bearer token, or no `tenant_id` claim.';
    errors[403] =
      method === 'get'
        ? 'The token names a tenant that does not exist.'
        : 'The caller’s role is `viewer`: this write needs `editor` or `admin` (the message names it); or the token names a tenant that does not exist.';
  }
  if (declaration.security === 'tenant')
    errors[429] =
      'Over a rate limit: the tenant’s budget for this kind of request (writes, expensive reads, reads) or, after repeated failed authentications, the client address’s; `Retry-After` gives the seconds to wait (docs/security.md).';
  if (declaration.security === 'cron-secret')
    errors[401] = 'Missing or wrong `Authorization: Bearer <CRON_SECRET>`.';
  if (declaration.body) {
    errors[413] = 'The body is larger than BODY_LIMIT_BYTES.';
    errors[415] = 'The body is not `application/json`.';
  }
  if (declaration.security !== 'public')
    errors[503] = 'The database is unreachable; retry shortly.';
  Object.assign(errors, declaration.errors ?? {});
  return Object.fromEntries(
    Object.entries(errors).sort(([a], [b]) => Number(a) - Number(b)),
  );
}

function errorExample(status: number, text: string): Json {
  const error = REASONS[status] ?? 'Client Error';
  if (status === 400)
    return {
      statusCode: 400,
      error,
      message: 'limit: must be an integer from 1 to 100',
      details: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
    };
  return { statusCode: status, error, message: firstSentence(text) };
}

function firstSentence(text: string): string {
  return text.replace(/`/g, '').split(/(?<=\.)\s/)[0];
}

function objectParameters(
  object: Json | object,
  location: 'path' | 'query',
  components: SchemaComponents,
): Json[] {
  const schema = plain(object);
  const properties = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, examples, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: components.hoist(rest),
      ...(Array.isArray(examples) && examples.length > 0
        ? { example: examples[0] }
        : {}),
    };
  });
}

/** A media type object: the schema and, when the schema has `examples`, the first one as the example. */
function withExample(schema: Json, original: Json): Json {
  const examples = original['examples'];
  return Array.isArray(examples) && examples.length > 0
    ? { schema, example: examples[0] }
    : { schema };
}

/** The schema as plain JSON (TypeBox's symbol markers dropped). */
function plain(schema: object): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

/** Keywords whose values are schemas, maps of schemas, or lists of schemas (not data such as `examples`). */
const SCHEMA_KEYS = [
  'items',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
];
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', '$defs'];
const SCHEMA_LIST_KEYS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/** Collects every titled schema as a component and replaces it by a `$ref`; one title, one shape. */
class SchemaComponents {
  readonly schemas: Record<string, Json> = {};
  private readonly texts = new Map<string, string>();

  hoist(schema: Json): Json {
    const walked = this.walk(schema);
    const title = walked['title'];
    if (typeof title !== 'string') return walked;
    const text = JSON.stringify(walked);
    const known = this.texts.get(title);
    if (known !== undefined && known !== text) {
      throw new Error(
        `OpenAPI: two different schemas are titled "${title}" (a component name must name one shape): ${known} vs ${text}`,
      );
    }
    this.texts.set(title, text);
    this.schemas[title] = walked;
    return { $ref: `#/components/schemas/${title}` };
  }

  private walk(schema: Json): Json {
    const out: Json = { ...schema };
    for (const key of SCHEMA_KEYS) {
      const value = out[key];
      if (value && typeof value === 'object' && !Array.isArray(value))
        out[key] = this.hoist(value as Json);
    }
    for (const key of SCHEMA_MAP_KEYS) {
      const value = out[key] as Record<string, Json> | undefined;
      if (value && typeof value === 'object')
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, child]) => [
            name,
            this.hoist(child),
          ]),
        );
    }
    for (const key of SCHEMA_LIST_KEYS) {
      const value = out[key];
      if (Array.isArray(value))
        out[key] = value.map((child) => this.hoist(child as Json));
    }
    return out;
  }
}
