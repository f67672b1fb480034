/**
 * Email through nodemailer: SMTP when SMTP_URL is set; otherwise each message is written as an
 * .eml file to DATA_DIR/outbox and logged, so development and tests need no mail server and
 * every message can still be read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { Logger } from '../../lib/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  locale: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** Where messages go when there is no SMTP server (undefined with SMTP). */
  outboxDir?: string;
}

export function outboxDirOf(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'outbox');
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>, logger: Logger): Mailer {
  const message = (mail: Mail) => ({
    from: config.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    headers: { 'Content-Language': mail.locale },
  });
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail(message(mail));
      },
    };
  }
  const outboxDir = outboxDirOf(config);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    outboxDir,
    async send(mail) {
      const info = await transport.sendMail(message(mail));
      await fs.mkdir(outboxDir, { recursive: true });
      const file = path.join(outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      logger.info({ to: mail.to, subject: mail.subject, file }, 'email written to the outbox (no SMTP_URL)');
    },
  };
}
