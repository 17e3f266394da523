import Type from 'typebox';

/** Profile fields a user may change themselves. Email and roles change through their own flows. */
export const ProfilePatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    company: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    locale: Type.Optional(
      Type.Union([
        Type.String({
          pattern: '^[a-z]{2,3}(-[A-Z]{2})?$',
          description: 'BCP 47 language tag, e.g. `nl` or `en-GB`',
        }),
        Type.Null({ description: 'Follow the browser' }),
      ]),
    ),
    timeZone: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 64, description: 'IANA time zone, e.g. `Europe/Amsterdam`' }),
        Type.Null({ description: 'Follow the browser' }),
      ]),
    ),
  },
  { additionalProperties: false },
);
