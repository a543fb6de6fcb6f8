import { HttpErrorResponse } from '@angular/common/http';

import {
  compactRow,
  formatRowKey,
  replayProgress,
  replayRefusal,
} from './dead-letter-format';

describe('dead letter format', () => {
  describe('compactRow', () => {
    it('lists the columns in order, strings bare and other values as JSON', () => {
      expect(
        compactRow({ id: 7, amount: -2.33, method: 'card', note: null }),
      ).toBe('id: 7 · amount: -2.33 · method: card · note: null');
    });
  });

  describe('formatRowKey', () => {
    it('names each source and key column', () => {
      expect(
        formatRowKey({ orders: { id: 7 }, lines: { order: 7, line: 2 } }),
      ).toBe('orders.id = 7, lines.order = 7, lines.line = 2');
    });

    it('is a dash without a key', () => {
      expect(formatRowKey(null)).toBe('—');
      expect(formatRowKey({})).toBe('—');
    });
  });

  describe('replayRefusal', () => {
    const http = (status: number, body: unknown) =>
      new HttpErrorResponse({ status, error: body });

    it('reads a 409 as nothing to replay, in the api’s words', () => {
      expect(
        replayRefusal(
          http(409, {
            statusCode: 409,
            error: 'Conflict',
            message: 'the pipeline has no open dead letters to replay',
          }),
        ),
      ).toMatchObject({
        kind: 'nothing-to-replay',
        tone: 'info',
        details: ['the pipeline has no open dead letters to replay'],
      });
    });

    it('lists every field of a 400, so the node in the way is named', () => {
      expect(
        replayRefusal(
          http(400, {
            statusCode: 400,
            error: 'Bad Request',
            message: 'Validation failed',
            details: [
              {
                path: 'ir.nodes[0].key',
                message: 'source "orders" has no key',
              },
            ],
          }),
        ),
      ).toMatchObject({
        kind: 'refused',
        tone: 'error',
        details: ['ir.nodes[0].key: source "orders" has no key'],
      });
    });

    it('says when the api cannot be reached', () => {
      expect(replayRefusal(http(0, null)).details).toEqual([
        'the api cannot be reached',
      ]);
    });
  });

  describe('replayProgress', () => {
    const run = { rowsWritten: 3, error: null };

    it('follows a queued run and reports a finished one with what is still open', () => {
      expect(replayProgress('r', 'queued', run, null).kind).toBe('queued');
      expect(replayProgress('r', 'succeeded', run, 2)).toMatchObject({
        kind: 'succeeded',
        tone: 'success',
        title: 'Replay succeeded: 3 rows written',
        details: [
          '2 still open: their rows were rejected again (attempts + 1).',
        ],
      });
      expect(replayProgress('r', 'succeeded', run, 0).details).toEqual([
        'No dead letter is open any more.',
      ]);
    });

    it('shows a failed run’s error', () => {
      expect(
        replayProgress('r', 'failed', { rowsWritten: null, error: 'boom' }, 5),
      ).toMatchObject({ kind: 'failed', tone: 'error', details: ['boom'] });
    });
  });
});
