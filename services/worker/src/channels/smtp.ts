import nodemailer from 'nodemailer';
import type { OutboundChannel } from '@seafarer/core';

/** E-mail through the configured SMTP server, to recipients who have an address. */
export function smtpChannel(url: string, from: string): OutboundChannel & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    name: 'smtp',
    applies: (m) => !!m.recipient.email,
    async send(m) {
      await transport.sendMail({
        from,
        to: m.recipient.email!,
        subject: `${m.title.zh} / ${m.title.en}`,
        text: `${m.recipient.displayName}：\n\n${m.body.zh}\n\n${m.body.en}\n`,
      });
    },
    close: () => transport.close(),
  };
}
