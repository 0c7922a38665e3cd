import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a random port that keeps what it receives (stack trap 15: no STARTTLS/AUTH).
 * `refuseNext(n)` answers the next n recipients with a temporary failure (451), as a busy mailbox would.
 */
export async function smtpSink() {
  const received: ParsedMail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (refuse > 0) {
        refuse--;
        const err = new Error('mailbox busy, try later') as Error & { responseCode: number };
        err.responseCode = 451;
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => received.push(mail))
        .then(() => cb(), cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (n: number) => (refuse = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
