// A Cloudflare Email Worker that forwards every mail routed to it to Switchboard
// (README: "Email" → "Forwarding from a mail provider"). Set two variables on the worker:
//   SWITCHBOARD_URL       https://help.example.com
//   MAIL_FORWARD_SECRET   the same value as Switchboard's MAIL_FORWARD_SECRET
// Switchboard answers 202 once the mail is stored; anything else rejects the mail, so the
// sender's server retries or bounces it instead of it being lost.
export default {
  async email(message, env) {
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(env.MAIL_FORWARD_SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const signed = new Uint8Array([...new TextEncoder().encode(`${timestamp}.`), ...raw]);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed));
    const hex = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
    const response = await fetch(`${env.SWITCHBOARD_URL}/api/v1/mail/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'message/rfc822',
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': `sha256=${hex}`,
      },
      body: raw,
    });
    if (response.status !== 202) message.setReject(`Switchboard answered ${response.status}`);
  },
};
