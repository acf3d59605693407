import type { Config } from '@seafarer/config';
import { webhookChannel, type OutboundChannel } from '@seafarer/core';
import { smtpChannel } from './smtp';

/** The outbound channels the configuration enables; none configured means nothing leaves the platform. */
export function channelsFromConfig(
  config: Pick<Config, 'SMTP_URL' | 'SMTP_FROM' | 'WEBHOOK_URL' | 'WEBHOOK_SECRET'>,
): OutboundChannel[] {
  const channels: OutboundChannel[] = [];
  if (config.SMTP_URL) channels.push(smtpChannel(config.SMTP_URL, config.SMTP_FROM));
  if (config.WEBHOOK_URL) {
    if (!config.WEBHOOK_SECRET)
      throw new Error('WEBHOOK_URL is set but WEBHOOK_SECRET is empty: webhooks are always signed');
    channels.push(webhookChannel(config.WEBHOOK_URL, config.WEBHOOK_SECRET));
  }
  return channels;
}
