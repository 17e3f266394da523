import Type from 'typebox';

/** What GET /api/v1/instance answers: enough for a client to greet the instance by name. */
export const InstanceInfo = Type.Object(
  {
    name: Type.String({ description: 'Display name of this Switchboard instance' }),
    version: Type.String({ description: 'Switchboard release' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    $id: 'InstanceInfo',
    examples: [{ name: 'Switchboard', version: '0.1.0', updatedAt: '2026-11-24T10:00:00.000Z' }],
  },
);
