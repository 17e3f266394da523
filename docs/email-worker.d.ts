/** The example Cloudflare Email Worker (email-worker.js), as the tests run it. */
declare const worker: {
  email(
    message: { raw: ReadableStream<Uint8Array> | null; setReject(reason: string): void },
    env: { SWITCHBOARD_URL: string; MAIL_FORWARD_SECRET: string },
  ): Promise<void>;
};
export default worker;
