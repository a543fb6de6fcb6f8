import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { PipelineIr } from '@flow/contracts';

import { PipelinesModule } from './pipelines.module';

const streamIr: PipelineIr = {
  version: 1,
  nodes: [
    {
      id: 'orders',
      type: 'stream',
      stream: 'ORDERS',
      subject: 'orders',
      partitions: 4,
      format: 'json',
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'amount', type: 'numeric' },
      ],
      key: ['id'],
    },
    {
      id: 'out',
      type: 'target',
      input: 'orders',
      table: 'orders_live',
      mode: 'append',
    },
  ],
};

describe('stream sources (DESIGN §16)', () => {
  async function withApp(
    env: Record<string, string>,
    check: (t: TestApp, auth: { authorization: string }) => Promise<void>,
  ): Promise<void> {
    const t = await createTestApp([PipelinesModule], env);
    try {
      const tenant = await t.createTenant('acme');
      await check(t, { authorization: `Bearer ${await t.tokenFor(tenant)}` });
    } finally {
      await t.close();
    }
  }

  it('refuses a stream source with a 400 naming the node while streaming is off (the default)', async () => {
    await withApp({}, async (t, headers) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers,
        payload: { name: 'live-orders', ir: streamIr },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        statusCode: 400,
        details: [
          {
            path: 'ir.nodes[0].type',
            message: expect.stringContaining(
              'streaming is off: stream sources need FLOW_STREAMING_ENABLED=true',
            ),
          },
        ],
      });
    });
  });

  it('accepts it when FLOW_STREAMING_ENABLED=true, and still validates its fields', async () => {
    await withApp({ FLOW_STREAMING_ENABLED: 'true' }, async (t, headers) => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers,
        payload: { name: 'live-orders', ir: streamIr },
      });
      expect(created.statusCode).toBe(201);
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers,
        payload: {
          name: 'bad',
          ir: {
            ...streamIr,
            nodes: [
              { ...streamIr.nodes[0], partitions: 65 },
              streamIr.nodes[1],
            ],
          },
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details).toEqual([
        {
          path: 'ir.nodes[0].partitions',
          message: 'must be an integer from 1 to 64',
        },
      ]);
    });
  });
});
