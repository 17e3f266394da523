import Type from 'typebox';

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Email address (case-insensitive)',
});
// The policy (length, common passwords) is checked in the service so the reason can be specific.
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Token = Type.String({
  minLength: 1,
  maxLength: 256,
  description: 'The token from the emailed link',
});

export const SignUpBody = Type.Object({
  email: Email,
  password: Password,
  displayName: Type.String({ minLength: 1, maxLength: 120 }),
  company: Type.Optional(Type.String({ maxLength: 200 })),
});
export const LoginBody = Type.Object({ email: Email, password: Password });
export const EmailBody = Type.Object({ email: Email });
export const TokenBody = Type.Object({ token: Token });
export const ResetBody = Type.Object({ token: Token, password: Password });
export const VerifyEmailBody = Type.Object({
  token: Token,
  password: Type.Optional(
    Type.String({
      maxLength: 1024,
      description:
        'The password chosen at sign-up, when confirming from another browser than the one that signed up; without it that password is dropped',
    }),
  ),
});
export const Verified = Type.Object({
  passwordSet: Type.Boolean({ description: 'false: no password is set; choose one with a password reset' }),
  message: Type.String(),
});

export const Me = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    displayName: Type.String(),
    company: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
    phoneVerified: Type.Boolean(),
    locale: Type.Union([Type.String(), Type.Null()], {
      description: 'Chosen language; null follows the browser (Accept-Language)',
    }),
    timeZone: Type.Union([Type.String(), Type.Null()], {
      description: 'Chosen IANA time zone; null follows the browser',
    }),
    status: Type.String(),
    roles: Type.Array(Type.String()),
  },
  { $id: 'Me' },
);

export const SignedIn = Type.Object({
  user: Me,
  mfa: Type.Union([Type.Literal('done'), Type.Literal('pending'), Type.Literal('enroll')], {
    description:
      '`pending`: send a code to /api/v1/auth/mfa/*; `enroll`: your role requires setting up a factor first',
  }),
  csrfToken: Type.String({
    description: 'Send as X-CSRF-Token on unsafe requests made with the session cookie',
  }),
  notice: Type.Optional(Type.String()),
});
export const Accepted = Type.Object({ status: Type.Literal('accepted'), message: Type.String() });
export const CsrfToken = Type.Object({ csrfToken: Type.String() });
