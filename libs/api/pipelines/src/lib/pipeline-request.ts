import type {
  CreatePipelineRequest,
  FieldError,
  PipelineIr,
  UpdatePipelineRequest,
} from '@flow/contracts';
import { validateIr } from '@flow/pipeline-ir';

const NAME_MAX_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Parses a create body: `{ name, ir, paused? }`; unknown fields are rejected. */
export function parseCreatePipeline(body: unknown): {
  value?: CreatePipelineRequest;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  if (!isObject(body))
    return { errors: [{ path: 'body', message: 'must be a JSON object' }] };
  rejectUnknownFields(body, ['name', 'ir', 'paused'], '', errors);
  checkName(body['name'], errors, true);
  if (body['ir'] === undefined)
    errors.push({ path: 'ir', message: 'is required' });
  else errors.push(...validateIr(body['ir'], 'ir'));
  checkPaused(body['paused'], errors);
  if (errors.length > 0) return { errors };
  return {
    value: {
      name: (body['name'] as string).trim(),
      ir: body['ir'] as PipelineIr,
      paused: (body['paused'] as boolean | undefined) ?? false,
    },
    errors,
  };
}

/** Parses a PATCH body: any of `{ name, ir, paused }`, at least one. */
export function parseUpdatePipeline(body: unknown): {
  value?: UpdatePipelineRequest;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  if (!isObject(body))
    return { errors: [{ path: 'body', message: 'must be a JSON object' }] };
  rejectUnknownFields(body, ['name', 'ir', 'paused'], '', errors);
  if (
    body['name'] === undefined &&
    body['ir'] === undefined &&
    body['paused'] === undefined
  ) {
    errors.push({
      path: 'body',
      message: 'must set at least one of name, ir, paused',
    });
  }
  if (body['name'] !== undefined) checkName(body['name'], errors, false);
  if (body['ir'] !== undefined) errors.push(...validateIr(body['ir'], 'ir'));
  checkPaused(body['paused'], errors);
  if (errors.length > 0) return { errors };
  const value: UpdatePipelineRequest = {};
  if (typeof body['name'] === 'string') value.name = body['name'].trim();
  if (body['ir'] !== undefined) value.ir = body['ir'] as PipelineIr;
  if (typeof body['paused'] === 'boolean') value.paused = body['paused'];
  return { value, errors };
}

/** Parses a PUT /ir body: the IR document itself. */
export function parseIrDocument(body: unknown): {
  value?: PipelineIr;
  errors: FieldError[];
} {
  const errors = validateIr(body, 'ir');
  return errors.length > 0 ? { errors } : { value: body as PipelineIr, errors };
}

function checkName(
  name: unknown,
  errors: FieldError[],
  required: boolean,
): void {
  if (name === undefined) {
    if (required) errors.push({ path: 'name', message: 'is required' });
    return;
  }
  if (typeof name !== 'string')
    errors.push({ path: 'name', message: 'must be a string' });
  else if (name.trim().length === 0)
    errors.push({ path: 'name', message: 'must not be empty' });
  else if (name.trim().length > NAME_MAX_LENGTH)
    errors.push({
      path: 'name',
      message: `must be at most ${NAME_MAX_LENGTH} characters`,
    });
  else if (CONTROL_CHARACTERS.test(name))
    errors.push({
      path: 'name',
      message: 'must not contain control characters',
    });
}

function checkPaused(paused: unknown, errors: FieldError[]): void {
  if (paused !== undefined && typeof paused !== 'boolean')
    errors.push({ path: 'paused', message: 'must be a boolean' });
}

function rejectUnknownFields(
  body: Record<string, unknown>,
  allowed: string[],
  prefix: string,
  errors: FieldError[],
): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key))
      errors.push({
        path: prefix ? `${prefix}.${key}` : key,
        message: 'unknown field',
      });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
