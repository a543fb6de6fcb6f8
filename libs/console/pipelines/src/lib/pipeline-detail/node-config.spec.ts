import { configFields } from './node-config';

describe(configFields.name, () => {
  it('lists every field but id and type, structured values as blocks', () => {
    expect(
      configFields({
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: '=', value: 'paid' }],
      }),
    ).toEqual([
      { name: 'input', value: 'orders', block: false },
      {
        name: 'where',
        value: JSON.stringify(
          [{ column: 'status', op: '=', value: 'paid' }],
          null,
          2,
        ),
        block: true,
      },
    ]);
  });

  it('joins column lists and names fields as users read them', () => {
    expect(
      configFields({
        id: 't',
        type: 'aggregate',
        input: 'x',
        groupBy: ['country', 'segment'],
        aggregations: [],
      }).map((field) => [field.name, field.value]),
    ).toEqual([
      ['input', 'x'],
      ['group by', 'country, segment'],
      ['aggregations', '[]'],
    ]);
  });
});
