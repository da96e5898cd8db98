import type { NotificationJob } from '../domain/monitoring/notification.ts';

/** Where alert events wait for delivery: SQS on AWS, a durable table-backed queue locally. */
export interface NotificationQueue {
  send(jobs: NotificationJob[]): Promise<void>;
}

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  /** The same on every retry of one delivery: the Message-ID where the sender may set it. */
  deliveryId: string;
}

/** SES on AWS; SMTP or an outbox folder locally. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export interface HttpCall {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  followRedirects?: boolean;
  skipCertificateVerification?: boolean;
  /** Read at most this much of the response body. */
  maxBodyBytes?: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
  elapsedMs: number;
  /** Epoch seconds at which the server's certificate expires (https only). */
  certificateExpiresAt?: number;
}

/** Outbound HTTP for webhooks, Slack and external monitors: refuses private targets, bounded in time and size. */
export interface OutboundHttp {
  request(call: HttpCall): Promise<HttpAnswer>;
}

/**
 * Where outbound calls may go, judged when a channel or external monitor is saved (the send-time
 * guard of OutboundHttp stays: DNS can change).
 */
export interface TargetPolicy {
  /** Why `url` may not be saved (naming the address and the setting that allows it), or undefined. */
  refusal(url: string): Promise<string | undefined>;
}

/** Thrown for a target the safety rules refuse (private, loopback or link-local). */
export class TargetRefusedError extends Error {}
