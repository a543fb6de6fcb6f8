import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { ErrorResponse, FieldError } from '@flow/contracts';

import {
  DatabaseUnavailableError,
  QuotaExceededError,
  ValidationFailedError,
} from './errors';

/** Lets the app answer a 404 itself (the console's SPA fallback); returns true when it did. */
export type NotFoundFallback = (
  request: FastifyRequest,
  reply: FastifyReply,
) => boolean;

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Messages of Fastify's content-type parser errors (FST_ERR_CTP_*). */
const BODY_PARSER_MESSAGE = /\bbody\b|media type/i;

/** True for errors that mean "the database is not reachable right now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    message,
  );
}

/**
 * The one place errors become responses: `{ statusCode, error, message, details? }`. HTTP exceptions keep their
 * status and message; validation errors list every field; framework errors (bad JSON, body too large) keep their
 * 4xx; anything else is a 500 that says only "Internal server error" and logs the cause with the request id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly notFoundFallback?: NotFoundFallback) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const status = this.statusOf(exception);
    if (
      status === HttpStatus.NOT_FOUND &&
      this.notFoundFallback?.(request, reply)
    )
      return;
    const body = this.bodyOf(exception, status);
    if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.error(
        `${request.method} ${request.url} failed (request ${request.id})`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    } else if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.warn(
        `${request.method} ${request.url}: ${body.message} (request ${request.id}): ${exception instanceof Error ? exception.message : String(exception)}`,
      );
    }
    if (!reply.sent)
      void reply
        .status(status)
        .header('content-type', 'application/json; charset=utf-8')
        .send(body);
  }

  private statusOf(exception: unknown): number {
    if (exception instanceof HttpException) return exception.getStatus();
    if (exception instanceof ValidationFailedError)
      return HttpStatus.BAD_REQUEST;
    if (exception instanceof QuotaExceededError) return exception.status;
    if (isDatabaseUnavailable(exception)) return HttpStatus.SERVICE_UNAVAILABLE;
    const frameworkStatus = (exception as { statusCode?: unknown } | null)
      ?.statusCode;
    if (
      typeof frameworkStatus === 'number' &&
      frameworkStatus >= 400 &&
      frameworkStatus < 500
    )
      return frameworkStatus;
    return HttpStatus.INTERNAL_SERVER_ERROR;
  }

  private bodyOf(exception: unknown, status: number): ErrorResponse {
    const error = reasonPhrase(status);
    if (exception instanceof QuotaExceededError) {
      return {
        statusCode: status,
        error,
        message: exception.message,
        details: [
          {
            path: exception.path,
            message: `quota ${exception.quota}: limit ${exception.limit}, current ${exception.current}`,
          },
        ],
      };
    }
    if (exception instanceof ValidationFailedError) {
      return {
        statusCode: status,
        error,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      if (typeof response === 'string') {
        // Nest turns Fastify's own errors into `new HttpException(message, status)` (string response, code lost). The
        // body parser's (bad or empty JSON, prototype-pollution keys, over the size limit, unsupported media type)
        // are about the body itself: name it, so every 4xx about input has the same `details` shape as any 400.
        if (
          status >= 400 &&
          status < 500 &&
          BODY_PARSER_MESSAGE.test(response)
        ) {
          return {
            statusCode: status,
            error,
            message: response,
            details: [{ path: 'body', message: response }],
          };
        }
        return { statusCode: status, error, message: response };
      }
      const { message, details, currentVersion } = response as {
        message?: unknown;
        details?: FieldError[];
        currentVersion?: unknown;
      };
      const text = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
      return {
        statusCode: status,
        error,
        message: text,
        ...(details ? { details } : {}),
        // A stale If-Match (412) says which version is current, so a client can reload or compare.
        ...(typeof currentVersion === 'number' ? { currentVersion } : {}),
      };
    }
    if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      return {
        statusCode: status,
        error,
        message: 'Database unavailable, try again shortly',
      };
    }
    if (status < 500) {
      const message = exception instanceof Error ? exception.message : error;
      return { statusCode: status, error, message };
    }
    return { statusCode: status, error, message: 'Internal server error' };
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
